#pragma once
// The attention computation shared by every family: grouped-query expansion,
// scaled scores, masking, softmax, the weighted sum of values. It is the only
// reader of the intervention table, so a freeze or a capture means the same
// thing whatever the architecture.
#include "Interventions.h"

#include <ATen/ATen.h>

namespace qkov {

// Which keys each query may see; built once per forward pass.
class AttentionMasking
{
public:
    AttentionMasking() = default;
    // keyMask [B, T]: nonzero = real token. causal: key j <= query i.
    // slidingWindow > 0 additionally requires i - j < slidingWindow (Mistral).
    AttentionMasking(const at::Tensor &keyMask, bool causal, int slidingWindow = 0);
    const at::Tensor &allowed() const { return m_allowed; } // [B, 1, T, T] bool

private:
    at::Tensor m_allowed;
};

class AttentionCore
{
public:
    // Either pointer may be null (no interventions / nothing captured). The
    // capture's layer list must already be sized to the model's layers.
    AttentionCore(const InterventionTable *table, AttentionCapture *capture);

    // q [B, H, T, d]; k [B, Hkv, T, d]; v [B, Hkv, T, dv] with H a multiple of
    // Hkv (query head h reads KV head h / (H / Hkv)). scaling multiplies q.k.
    // Returns z [B, H, T, dv]: each head's output before the O projection.
    // Softmax runs in at least float32, as HuggingFace's eager attention does.
    at::Tensor attend(int layer, const at::Tensor &q, const at::Tensor &k, const at::Tensor &v,
                      double scaling, const AttentionMasking &masking) const;

private:
    at::Tensor visit(int layer, AttentionPoint point, at::Tensor x) const;

    const InterventionTable *m_table = nullptr;
    AttentionCapture *m_capture = nullptr;
};

} // namespace qkov
