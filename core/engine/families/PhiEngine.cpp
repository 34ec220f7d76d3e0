// Phi-1, Phi-1.5 and Phi-2 (HF model_type "phi"), as modeling_phi computes
// them: one input_layernorm feeds attention and the MLP in parallel, rotary
// embedding on the first partial_rotary_factor share of each head
// (rotate-half), q/k/v_proj and the output projection "dense" with biases,
// fc1 / gelu_new / fc2, final_layernorm, and an lm_head with a bias.
#include "RotaryDecoder.h"

namespace qkov {

namespace {

struct PhiLayer : SplitAttention
{
    at::Tensor normWeight, normBias;
    at::Tensor fc1, fc1Bias, fc2, fc2Bias;
};

class PhiNetwork final : public EngineNetwork
{
public:
    PhiNetwork(const ModelConfig &config, WeightLoader &weights);
    at::Tensor forward(const at::Tensor &tokens, const at::Tensor &keyMask,
                       ForwardPass &pass) const override;

private:
    double m_eps = 1e-5;
    Activation m_activation = Activation::GeluTanh;
    RotarySelfAttention m_attention;
    DecoderEmbedding m_embedding;
    at::Tensor m_finalNormWeight, m_finalNormBias, m_lmHeadBias;
    std::vector<PhiLayer> m_layers;
};

PhiNetwork::PhiNetwork(const ModelConfig &c, WeightLoader &w)
    : m_eps(c.normEps)
{
    const QString where = w.where();
    requireIntermediateSize(c, where);
    if (c.raw.value(QStringLiteral("qk_layernorm")).toBool(false))
        throw Error(where, QStringLiteral("Phi checkpoints with qk_layernorm are not supported by the engine."));
    m_activation = parseActivation(c.activation.isEmpty() ? QStringLiteral("gelu_new") : c.activation, where);

    m_embedding = loadDecoderEmbedding(w, c);
    m_attention = RotarySelfAttention(c, m_embedding.embed.scalar_type(), where);
    const QString &prefix = m_embedding.prefix;
    const int64_t D = c.hiddenSize, V = c.vocabSize, I = c.intermediateSize;
    const int64_t qOut = m_attention.queryWidth(), kvOut = m_attention.keyValueWidth();
    m_finalNormWeight = w.require(prefix + QStringLiteral("final_layernorm.weight"), {D});
    m_finalNormBias = w.require(prefix + QStringLiteral("final_layernorm.bias"), {D});
    m_lmHeadBias = w.optional(QStringLiteral("lm_head.bias"), {V});

    for (int l = 0; l < c.numLayers; ++l) {
        const QString p = prefix + QStringLiteral("layers.%1.").arg(l);
        PhiLayer L;
        L.normWeight = w.require(p + QStringLiteral("input_layernorm.weight"), {D});
        L.normBias = w.require(p + QStringLiteral("input_layernorm.bias"), {D});
        static_cast<SplitAttention &>(L) = loadSplitAttention(w, p + QStringLiteral("self_attn."), qOut, kvOut, D, QStringLiteral("dense"));
        L.fc1 = w.require(p + QStringLiteral("mlp.fc1.weight"), {I, D});
        L.fc1Bias = w.optional(p + QStringLiteral("mlp.fc1.bias"), {I});
        L.fc2 = w.require(p + QStringLiteral("mlp.fc2.weight"), {D, I});
        L.fc2Bias = w.optional(p + QStringLiteral("mlp.fc2.bias"), {D});
        m_layers.push_back(std::move(L));
    }
}

at::Tensor PhiNetwork::forward(const at::Tensor &tokens, const at::Tensor &keyMask,
                               ForwardPass &pass) const
{
    const AttentionMasking causal(keyMask, /*causal=*/true);

    at::Tensor h = at::embedding(m_embedding.embed, tokens);
    for (size_t l = 0; l < m_layers.size(); ++l) {
        const PhiLayer &L = m_layers[l];
        const int layer = int(l);
        // Parallel block: attention and MLP read the same normalised input.
        const at::Tensor x = layerNorm(h, L.normWeight, L.normBias, m_eps);
        const at::Tensor attended = m_attention.forward(pass, layer, L, x, causal);
        pass.cancelPoint();
        const at::Tensor inner = activate(linear(x, L.fc1, L.fc1Bias), m_activation);
        pass.cancelPoint();
        h = h + attended + linear(inner, L.fc2, L.fc2Bias);
    }
    h = layerNorm(h, m_finalNormWeight, m_finalNormBias, m_eps);
    return pass.lmHead(h, m_embedding.lmHead, m_lmHeadBias);
}

} // namespace

std::unique_ptr<EngineNetwork> buildPhiNetwork(const ModelConfig &config, WeightLoader &weights)
{
    return std::make_unique<PhiNetwork>(config, weights);
}

} // namespace qkov
