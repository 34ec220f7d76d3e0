#pragma once
// The demo's trainable network: a LLaMA decoder written directly with ATen
// autograd (no torch::nn), computing exactly what the engine's LLaMA family
// computes (pre-RMSNorm blocks, rotate-half RoPE, grouped-query attention,
// SwiGLU MLP, untied LM head), so that the saved weights mean the same thing
// in the engine as in training.
#include <ATen/ATen.h>

#include <QJsonObject>
#include <QString>
#include <utility>
#include <vector>

namespace qkov {
class SafeTensorsWriter;
class TensorStore;
}

namespace qkov::demo {

struct DemoArchitecture
{
    int vocabSize = 42;
    int hiddenSize = 64;
    int layers = 2;
    int heads = 4;
    int kvHeads = 2;     // grouped-query attention: two query heads per KV head
    int headDim = 16;
    int intermediateSize = 128;
    int maxPositions = 64;
    double ropeTheta = 10000.0;
    double normEps = 1e-5;

    // config.json of a LlamaForCausalLM with these sizes.
    QJsonObject configJson() const;
};

class DemoNetwork
{
public:
    // Initial weights drawn from `generator` (N(0, 0.02), output projections
    // scaled down by sqrt(2 * layers), norms 1).
    DemoNetwork(const DemoArchitecture &architecture, at::Generator generator);

    const DemoArchitecture &architecture() const { return m_arch; }
    // tokens [B, T] int64 (T <= maxPositions) -> logits [B, T, V]. Causal;
    // right padding needs no attention mask (no real token sees a pad).
    at::Tensor forward(const at::Tensor &tokens) const;
    // Every trainable tensor under its checkpoint name (HuggingFace LLaMA names).
    const std::vector<std::pair<QString, at::Tensor>> &parameters() const { return m_parameters; }
    // Adds every tensor as float32 to `writer`.
    void addTo(SafeTensorsWriter &writer) const;
    // Overwrites every tensor with the one of the same name in `store` (a
    // saved demo). Throws qkov::Error naming the store for a missing or
    // mis-shaped tensor.
    void loadFrom(const TensorStore &store);

private:
    struct Layer
    {
        at::Tensor inputNorm, wq, wk, wv, wo, postNorm, gate, up, down;
    };
    at::Tensor rmsNorm(const at::Tensor &x, const at::Tensor &weight) const;
    at::Tensor rotate(const at::Tensor &x) const; // x [B, heads, T, d]

    DemoArchitecture m_arch;
    at::Tensor m_embed, m_finalNorm, m_lmHead;
    std::vector<Layer> m_layers;
    at::Tensor m_cos, m_sin;      // [maxPositions, headDim]
    at::Tensor m_causal;          // [maxPositions, maxPositions] bool, key <= query
    std::vector<std::pair<QString, at::Tensor>> m_parameters;
};

// Token sequences as one right-padded batch: ids [B, T] (pad 0), mask [B, T]
// (1 = real token).
struct TokenBatchPair
{
    at::Tensor ids, mask;
};
TokenBatchPair padBatch(const std::vector<std::vector<int>> &sequences);

// Per-sample loss [B]: mean over t of CE(logits_t, token_{t+1}) where both
// positions are real (the engine's causalLmLossPerSample definition).
at::Tensor perSampleLoss(const at::Tensor &logits, const at::Tensor &ids, const at::Tensor &mask);

} // namespace qkov::demo
