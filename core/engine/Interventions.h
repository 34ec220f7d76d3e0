#pragma once
// The one table through which anything reaches inside attention: per
// (layer, head) replacements of a named point, and observers that copy the
// points out (patterns for the GUI, q/k/v for mean statistics). Families never
// read it; only the attention core does (METRIC.md section 6).
#include <ATen/ATen.h>

#include <QString>
#include <array>
#include <cstdint>
#include <vector>

namespace qkov {

// Named points of one head inside the attention core, in computation order.
// Shapes per head: Q, K, V, Z are [B, T, d]; Scores and Pattern are [B, T, T].
// K and V are the query head's own copy (grouped-query KV already expanded),
// Q and K after rotary embedding; Scores are scaled but not yet masked.
enum class AttentionPoint : int { Q = 0, K, V, Scores, Pattern, Z };
constexpr int kAttentionPointCount = 6;
QString attentionPointName(AttentionPoint p); // "q", "k", "v", "scores", "pattern", "z"
constexpr uint32_t pointBit(AttentionPoint p) { return 1u << int(p); }

enum class ReplaceMethod {
    Zero,  // the head's values become 0 (QK zero: uniform pattern; OV zero: no output)
    Mean,  // per-position mean over a reference set, the all-position mean past its length
    Noise, // add N(0, sigma^2 * variance), seeded
    Value  // an explicit tensor, e.g. the vectors of another sample (resample)
};

struct HeadIntervention
{
    int layer = 0;
    int head = 0;                         // query head, 0 .. H-1
    AttentionPoint point = AttentionPoint::Q;
    ReplaceMethod method = ReplaceMethod::Zero;
    at::Tensor positionMean;              // Mean: [T_ref, d]
    at::Tensor overallMean;               // Mean: [d], used at positions >= T_ref
    at::Tensor variance;                  // Noise: [d] (or broadcastable to [B, T, d])
    double sigma = 1.0;                   // Noise
    uint64_t seed = 0;                    // Noise: used as given (give each head its own seed)
    at::Tensor value;                     // Value: broadcastable to the point's per-head shape
    bool stopGradient = false;            // the replaced values carry no gradient
};

// What to copy out. Captured tensors are detached unless keepGraph is set
// (then they stay in the autograd graph, e.g. to take gradients at a point).
struct CaptureRequest
{
    uint32_t points = 0;                  // OR of pointBit(...)
    std::vector<int> layers;              // empty = every layer
    bool keepGraph = false;

    bool any() const { return points != 0; }
    bool wants(int layer, AttentionPoint p) const;
};

struct InterventionTable
{
    std::vector<HeadIntervention> replacements;
    CaptureRequest capture;

    bool empty() const { return replacements.empty() && !capture.any(); }
    bool hasReplacementsIn(int layer) const;
};

// The observed points: layers[l][point] is [B, H, T, d] or [B, H, T, T]
// (undefined when not requested).
struct AttentionCapture
{
    std::vector<std::array<at::Tensor, kAttentionPointCount>> layers;

    const at::Tensor &at(int layer, AttentionPoint p) const;
    // Per-layer attention patterns [B, H, T, T] for views (undefined entries
    // for layers not captured).
    std::vector<at::Tensor> patterns() const;
};

// Reference statistics of one head's vectors for ReplaceMethod::Mean / Noise,
// from captured values [B, T, d] of reference samples and their mask [B, T]
// (1 = real token). Positions no sample reaches are not part of positionMean.
struct HeadStatistics
{
    at::Tensor positionMean; // [T_max, d], T_max = longest reference sample
    at::Tensor overallMean;  // [d]
    at::Tensor variance;     // [d], over all real positions
};
// Throws qkov::Error("intervention", ...) when there is no real token.
HeadStatistics headStatistics(const at::Tensor &values, const at::Tensor &mask);

} // namespace qkov
