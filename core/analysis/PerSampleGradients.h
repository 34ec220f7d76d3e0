#pragma once
// Per-sample gradients of the attention projection weights (METRIC.md 1) from
// ONE batched forward and ONE backward pass: the backward of sum_i l_i gives
// delta = dl/dy for every captured projection y = W x, and then
// G_i = sum_t delta_{i,t} x_{i,t}^T for all samples at once (one bmm per
// projection), padding positions masked out. Gradients come out in the
// checkpoint's stored layout (GPT-2 Conv1D [in, out], fused and interleaved
// tensors as stored), so the structure's BlockSlices index them directly.
#include "engine/Interventions.h"

#include <ATen/ATen.h>

#include <QString>
#include <functional>
#include <vector>

namespace qkov {

class JobContext;
class TransformerModel;

struct PerSampleGradient
{
    QString tensor;        // checkpoint tensor name
    int layer = 0;
    QString block;         // "q", "k", "v", "o" or "qkv" (fused)
    bool bias = false;
    at::Tensor values;     // [B, stored shape...] in the engine dtype
};

// One tensor the sink will receive, known right after the forward pass.
struct PerSampleTensor
{
    QString tensor;
    int layer = 0;
    QString block;
    bool bias = false;
    std::vector<int64_t> shape; // one sample's gradient, stored layout
};

struct PerSampleOptions
{
    bool includeBias = false;       // Q/K/V biases; the O bias never
    // Cancellation is checked before every projection of the forward pass,
    // before every node of the backward pass and between gradients.
    const JobContext *job = nullptr;
    // Freezing (or other interventions) applied inside the forward pass; gradients flow
    // through the replaced values unless they are marked stop-gradient.
    const InterventionTable *interventions = nullptr;
    // Called once per batch after the forward pass, before anything is
    // formed, with every tensor the sink will receive, in that order.
    std::function<void(const std::vector<PerSampleTensor> &)> layout;
    // Where to form a tensor's [B, shape...] gradient computed in `dtype`: a
    // contiguous tensor of that shape and dtype (e.g. rows of a GradientStore,
    // so that nothing is copied), or undefined for a fresh tensor. It is
    // needed only until the sink returns, so one scratch buffer can serve all.
    std::function<at::Tensor(const PerSampleTensor &, int64_t batch, at::ScalarType dtype)> destination;
};

// Runs the passes and hands every gradient tensor to `sink` as soon as it is
// formed (in options.destination when given), so that only one [B, ...]
// gradient is alive at a time. Returns the
// per-sample losses [B] (float64). tokens/mask [B, T], right padding.
// Throws JobCancelled when the job is cancelled meanwhile.
at::Tensor forEachPerSampleGradient(TransformerModel &model, const at::Tensor &tokens,
                                    const at::Tensor &mask, const PerSampleOptions &options,
                                    const std::function<void(const PerSampleGradient &)> &sink);

// All of them at once (small models, tests).
std::vector<PerSampleGradient> perSampleGradients(TransformerModel &model, const at::Tensor &tokens,
                                                  const at::Tensor &mask,
                                                  const PerSampleOptions &options = {},
                                                  at::Tensor *losses = nullptr);

} // namespace qkov
