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

struct PerSampleOptions
{
    bool includeBias = false;       // Q/K/V biases; the O bias never
    const JobContext *job = nullptr; // cancellation is checked during the backward too
    // Freezing (or other interventions) applied inside the forward pass; gradients flow
    // through the replaced values unless they are marked stop-gradient.
    const InterventionTable *interventions = nullptr;
};

// Runs the passes and hands every gradient tensor to `sink` as soon as it is
// formed, so that only one [B, ...] gradient is alive at a time. Returns the
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
