// LLaMA 1-3 (incl. llama3 rope scaling), Mistral (sliding window), Qwen 2
// (q/k/v biases), as HuggingFace's modeling_llama / mistral / qwen2 compute
// them: pre-RMSNorm blocks, rotate-half RoPE on q and k, grouped-query
// attention, SiLU-gated MLP, tied or separate LM head.
#include "RotaryDecoder.h"

namespace qkov {

namespace {

struct LlamaLayer : SplitAttention
{
    at::Tensor inputNorm, postNorm;
    at::Tensor gate, up, down, gateBias, upBias, downBias;
    bool sliding = false;
};

class LlamaNetwork final : public EngineNetwork
{
public:
    LlamaNetwork(const ModelConfig &config, WeightLoader &weights);
    at::Tensor forward(const at::Tensor &tokens, const at::Tensor &keyMask,
                       ForwardPass &pass) const override;

private:
    double m_eps = 1e-6;
    int m_slidingWindow = 0;
    Activation m_activation = Activation::SiLU;
    RotarySelfAttention m_attention;
    DecoderEmbedding m_embedding;
    at::Tensor m_finalNorm;
    std::vector<LlamaLayer> m_layers;
};

// Mistral applies its window everywhere; Qwen 2 only when use_sliding_window
// is set, and then from layer max_window_layers on.
int slidingWindowOf(const ModelConfig &c)
{
    const QJsonValue window = c.raw.value(QStringLiteral("sliding_window"));
    if (!window.isDouble() || window.toInt() <= 0)
        return 0;
    if (c.modelType == QLatin1String("qwen2")
        && !c.raw.value(QStringLiteral("use_sliding_window")).toBool(false))
        return 0;
    if (c.modelType != QLatin1String("mistral") && c.modelType != QLatin1String("qwen2"))
        return 0;
    return window.toInt();
}

LlamaNetwork::LlamaNetwork(const ModelConfig &c, WeightLoader &w)
    : m_eps(c.normEps), m_slidingWindow(slidingWindowOf(c))
{
    const QString where = w.where();
    requireIntermediateSize(c, where);
    m_activation = parseActivation(c.activation.isEmpty() ? QStringLiteral("silu") : c.activation, where);

    m_embedding = loadDecoderEmbedding(w, c);
    m_attention = RotarySelfAttention(c, m_embedding.embed.scalar_type(), where);
    const QString &prefix = m_embedding.prefix;
    const int64_t D = c.hiddenSize, I = c.intermediateSize;
    const int64_t qOut = m_attention.queryWidth(), kvOut = m_attention.keyValueWidth();
    m_finalNorm = w.require(prefix + QStringLiteral("norm.weight"), {D});

    const int maxWindowLayers = c.raw.value(QStringLiteral("max_window_layers")).toInt(0);
    for (int l = 0; l < c.numLayers; ++l) {
        const QString p = prefix + QStringLiteral("layers.%1.").arg(l);
        LlamaLayer L;
        L.inputNorm = w.require(p + QStringLiteral("input_layernorm.weight"), {D});
        L.postNorm = w.require(p + QStringLiteral("post_attention_layernorm.weight"), {D});
        static_cast<SplitAttention &>(L) = loadSplitAttention(w, p + QStringLiteral("self_attn."), qOut, kvOut, D);
        L.gate = w.require(p + QStringLiteral("mlp.gate_proj.weight"), {I, D});
        L.up = w.require(p + QStringLiteral("mlp.up_proj.weight"), {I, D});
        L.down = w.require(p + QStringLiteral("mlp.down_proj.weight"), {D, I});
        L.gateBias = w.optional(p + QStringLiteral("mlp.gate_proj.bias"), {I});
        L.upBias = w.optional(p + QStringLiteral("mlp.up_proj.bias"), {I});
        L.downBias = w.optional(p + QStringLiteral("mlp.down_proj.bias"), {D});
        L.sliding = m_slidingWindow > 0
                    && (c.modelType != QLatin1String("qwen2") || l >= maxWindowLayers);
        m_layers.push_back(std::move(L));
    }
}

at::Tensor LlamaNetwork::forward(const at::Tensor &tokens, const at::Tensor &keyMask,
                                 ForwardPass &pass) const
{
    const AttentionMasking full(keyMask, /*causal=*/true);
    const AttentionMasking windowed = m_slidingWindow > 0
        ? AttentionMasking(keyMask, true, m_slidingWindow) : full;
    at::Tensor h = at::embedding(m_embedding.embed, tokens);
    for (size_t l = 0; l < m_layers.size(); ++l) {
        const LlamaLayer &L = m_layers[l];
        const int layer = int(l);
        const at::Tensor x = rmsNorm(h, L.inputNorm, m_eps);
        h = h + m_attention.forward(pass, layer, L, x, L.sliding ? windowed : full);
        const at::Tensor x2 = rmsNorm(h, L.postNorm, m_eps);
        pass.cancelPoint();
        const at::Tensor gate = activate(linear(x2, L.gate, L.gateBias), m_activation);
        pass.cancelPoint();
        const at::Tensor gated = gate * linear(x2, L.up, L.upBias);
        pass.cancelPoint();
        h = h + linear(gated, L.down, L.downBias);
    }
    h = rmsNorm(h, m_finalNorm, m_eps);
    return pass.lmHead(h, m_embedding.lmHead);
}

} // namespace

std::unique_ptr<EngineNetwork> buildLlamaNetwork(const ModelConfig &config, WeightLoader &weights)
{
    return std::make_unique<LlamaNetwork>(config, weights);
}

} // namespace qkov
