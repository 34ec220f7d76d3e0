#pragma once
// Building blocks shared by the families, each matching its HuggingFace
// counterpart numerically (norms, activations, rotary embeddings).
#include "model/ModelConfig.h"

#include <ATen/ATen.h>

#include <QString>

namespace qkov {

// LlamaRMSNorm: normalised in at least float32, cast back, then scaled.
// plusOne: Gemma's (1 + weight).
at::Tensor rmsNorm(const at::Tensor &x, const at::Tensor &weight, double eps, bool plusOne = false);
at::Tensor layerNorm(const at::Tensor &x, const at::Tensor &weight, const at::Tensor &bias, double eps);
// nn.Linear: x W^T (+ b), W [out, in]; b may be undefined.
at::Tensor linear(const at::Tensor &x, const at::Tensor &w, const at::Tensor &b);

enum class Activation { SiLU, GeluExact, GeluTanh, ReLU };
// From hidden_act / activation_function ("silu", "gelu", "gelu_new", ...);
// throws qkov::Error(where, ...) for names the engine does not implement.
Activation parseActivation(const QString &name, const QString &where);
at::Tensor activate(const at::Tensor &x, Activation a);

// Rotary position embedding, rotate-half convention (dim i pairs with
// i + r/2 within the first r = partialFactor * headDim dims of each head).
class RotaryEmbedding
{
public:
    RotaryEmbedding() = default;
    // computeType: float32 reproduces HuggingFace exactly; float64 engines
    // use float64 angles. Throws qkov::Error(where, ...) for an unsupported
    // rope_scaling type.
    RotaryEmbedding(const RopeSettings &rope, int headDim, int maxPositions,
                    at::ScalarType computeType, const QString &where);

    int rotaryDim() const { return m_rotaryDim; }
    // The inverse frequencies for a sequence of `length` tokens [r/2]
    // (dynamic NTK scaling depends on the length).
    at::Tensor inverseFrequencies(int64_t length) const;
    // x [B, H, T, d] at positions 0 .. T-1, rotated in x's dtype.
    at::Tensor apply(const at::Tensor &x) const;
    // x [B, H, T, d] at the given positions [T].
    at::Tensor applyAt(const at::Tensor &x, const at::Tensor &positions) const;

private:
    RopeSettings m_rope;
    int m_rotaryDim = 0;
    int m_maxPositions = 0;
    at::ScalarType m_computeType = at::kFloat;
    at::Tensor m_baseInvFreq; // before length-dependent scaling
};

} // namespace qkov
