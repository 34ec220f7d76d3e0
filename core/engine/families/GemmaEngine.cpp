// Gemma (HF model_type "gemma"), as modeling_gemma computes it: embeddings
// scaled by sqrt(hidden) (the factor rounded to the compute dtype), RMSNorm
// that multiplies by (1 + weight) in float32, rotate-half RoPE over head_dim
// (from config.json, not necessarily hidden / heads), grouped-query attention,
// GeGLU with the tanh GELU, and an lm_head tied to the unscaled embeddings.
#include "RotaryDecoder.h"

#include <cmath>

namespace qkov {

namespace {

struct GemmaLayer : SplitAttention
{
    at::Tensor inputNorm, postNorm;
    at::Tensor gate, up, down;
};

class GemmaNetwork final : public EngineNetwork
{
public:
    GemmaNetwork(const ModelConfig &config, WeightLoader &weights);
    at::Tensor forward(const at::Tensor &tokens, const at::Tensor &keyMask,
                       ForwardPass &pass) const override;

private:
    double m_eps = 1e-6;
    Activation m_activation = Activation::GeluTanh;
    RotarySelfAttention m_attention;
    DecoderEmbedding m_embedding;
    at::Tensor m_normalizer, m_finalNorm;
    std::vector<GemmaLayer> m_layers;
};

GemmaNetwork::GemmaNetwork(const ModelConfig &c, WeightLoader &w)
    : m_eps(c.normEps)
{
    const QString where = w.where();
    requireIntermediateSize(c, where);
    m_activation = parseActivation(c.activation.isEmpty() ? QStringLiteral("gelu_pytorch_tanh") : c.activation, where);

    m_embedding = loadDecoderEmbedding(w, c);
    m_attention = RotarySelfAttention(c, m_embedding.embed.scalar_type(), where);
    const QString &prefix = m_embedding.prefix;
    const int64_t D = c.hiddenSize, I = c.intermediateSize;
    const int64_t qOut = m_attention.queryWidth(), kvOut = m_attention.keyValueWidth();
    // HF builds the factor as a tensor of the hidden states' dtype.
    m_normalizer = at::scalar_tensor(std::sqrt(double(D)), m_embedding.embed.options());
    m_finalNorm = w.require(prefix + QStringLiteral("norm.weight"), {D});

    for (int l = 0; l < c.numLayers; ++l) {
        const QString p = prefix + QStringLiteral("layers.%1.").arg(l);
        GemmaLayer L;
        L.inputNorm = w.require(p + QStringLiteral("input_layernorm.weight"), {D});
        L.postNorm = w.require(p + QStringLiteral("post_attention_layernorm.weight"), {D});
        static_cast<SplitAttention &>(L) = loadSplitAttention(w, p + QStringLiteral("self_attn."), qOut, kvOut, D);
        L.gate = w.require(p + QStringLiteral("mlp.gate_proj.weight"), {I, D});
        L.up = w.require(p + QStringLiteral("mlp.up_proj.weight"), {I, D});
        L.down = w.require(p + QStringLiteral("mlp.down_proj.weight"), {D, I});
        m_layers.push_back(std::move(L));
    }
}

at::Tensor GemmaNetwork::forward(const at::Tensor &tokens, const at::Tensor &keyMask,
                                 ForwardPass &pass) const
{
    const AttentionMasking causal(keyMask, /*causal=*/true);

    at::Tensor h = at::embedding(m_embedding.embed, tokens) * m_normalizer;
    for (size_t l = 0; l < m_layers.size(); ++l) {
        const GemmaLayer &L = m_layers[l];
        const int layer = int(l);
        const at::Tensor x = rmsNorm(h, L.inputNorm, m_eps, /*plusOne=*/true);
        h = h + m_attention.forward(pass, layer, L, x, causal);
        const at::Tensor x2 = rmsNorm(h, L.postNorm, m_eps, /*plusOne=*/true);
        pass.cancelPoint();
        const at::Tensor gate = activate(at::matmul(x2, L.gate.t()), m_activation);
        pass.cancelPoint();
        const at::Tensor gated = gate * at::matmul(x2, L.up.t());
        pass.cancelPoint();
        h = h + at::matmul(gated, L.down.t());
    }
    h = rmsNorm(h, m_finalNorm, m_eps, /*plusOne=*/true);
    return pass.lmHead(h, m_embedding.lmHead);
}

} // namespace

std::unique_ptr<EngineNetwork> buildGemmaNetwork(const ModelConfig &config, WeightLoader &weights)
{
    return std::make_unique<GemmaNetwork>(config, weights);
}

} // namespace qkov
