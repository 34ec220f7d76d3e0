// LLaMA 1-3 (incl. llama3 rope scaling), Mistral (sliding window), Qwen 2
// (q/k/v biases), as HuggingFace's modeling_llama / mistral / qwen2 compute
// them: pre-RMSNorm blocks, rotate-half RoPE on q and k, grouped-query
// attention, SiLU-gated MLP, tied or separate LM head.
#include "../EngineFamily.h"
#include "../EngineOps.h"
#include "SplitAttention.h"
#include "Error.h"

#include <cmath>

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
    int m_heads = 0, m_kvHeads = 0, m_headDim = 0;
    double m_eps = 1e-6;
    double m_scaling = 1.0;
    int m_slidingWindow = 0;
    Activation m_activation = Activation::SiLU;
    RotaryEmbedding m_rotary;
    at::Tensor m_embed, m_finalNorm, m_lmHead;
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
    : m_heads(c.numHeads), m_kvHeads(c.numKvHeads), m_headDim(c.headDim), m_eps(c.normEps),
      m_scaling(1.0 / std::sqrt(double(c.headDim))), m_slidingWindow(slidingWindowOf(c))
{
    const QString where = w.where();
    if (c.intermediateSize <= 0)
        throw Error(where, QStringLiteral("intermediate_size is missing from the configuration."));
    m_activation = parseActivation(c.activation.isEmpty() ? QStringLiteral("silu") : c.activation, where);

    QString prefix;
    if (w.contains(QStringLiteral("model.embed_tokens.weight")))
        prefix = QStringLiteral("model.");
    else if (!w.contains(QStringLiteral("embed_tokens.weight")))
        throw Error(where, QStringLiteral("the tensor \"model.embed_tokens.weight\" is missing."));
    const int64_t D = c.hiddenSize, V = c.vocabSize, I = c.intermediateSize;
    const int64_t qOut = int64_t(c.numHeads) * c.headDim;
    const int64_t kvOut = int64_t(c.numKvHeads) * c.headDim;
    m_embed = w.require(prefix + QStringLiteral("embed_tokens.weight"), {V, D});
    m_finalNorm = w.require(prefix + QStringLiteral("norm.weight"), {D});
    // Tied when the config says so, and when no separate head was saved.
    const QString head = QStringLiteral("lm_head.weight");
    m_lmHead = c.tieWordEmbeddings || !w.contains(head) ? m_embed : w.require(head, {V, D});

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
    // Angles in at least float32, as HuggingFace computes them.
    m_rotary = RotaryEmbedding(c.rope, c.headDim, c.maxPositions,
                               at::promote_types(m_embed.scalar_type(), at::kFloat), where);
}

at::Tensor LlamaNetwork::forward(const at::Tensor &tokens, const at::Tensor &keyMask,
                                 ForwardPass &pass) const
{
    const int64_t B = tokens.size(0), T = tokens.size(1);
    const AttentionMasking full(keyMask, /*causal=*/true);
    const AttentionMasking windowed = m_slidingWindow > 0
        ? AttentionMasking(keyMask, true, m_slidingWindow) : full;
    // [B, T, out] -> [B, heads, T, d]
    auto heads = [&](const at::Tensor &y, int n) {
        return y.view({B, T, n, m_headDim}).transpose(1, 2);
    };

    at::Tensor h = at::embedding(m_embed, tokens);
    for (size_t l = 0; l < m_layers.size(); ++l) {
        const LlamaLayer &L = m_layers[l];
        const int layer = int(l);
        const at::Tensor x = rmsNorm(h, L.inputNorm, m_eps);
        at::Tensor q = heads(pass.project(layer, "q", L.qName, x, L.wq, L.bq), m_heads);
        at::Tensor k = heads(pass.project(layer, "k", L.kName, x, L.wk, L.bk), m_kvHeads);
        const at::Tensor v = heads(pass.project(layer, "v", L.vName, x, L.wv, L.bv), m_kvHeads);
        q = m_rotary.apply(q);
        k = m_rotary.apply(k);
        const at::Tensor z = pass.attention().attend(layer, q, k, v, m_scaling,
                                                     L.sliding ? windowed : full);
        const at::Tensor merged = z.transpose(1, 2).reshape({B, T, int64_t(m_heads) * m_headDim});
        h = h + pass.project(layer, "o", L.oName, merged, L.wo, L.bo);
        const at::Tensor x2 = rmsNorm(h, L.postNorm, m_eps);
        pass.cancelPoint();
        const at::Tensor gate = activate(linear(x2, L.gate, L.gateBias), m_activation);
        pass.cancelPoint();
        const at::Tensor gated = gate * linear(x2, L.up, L.upBias);
        pass.cancelPoint();
        h = h + linear(gated, L.down, L.downBias);
    }
    h = rmsNorm(h, m_finalNorm, m_eps);
    return pass.lmHead(h, m_lmHead);
}

} // namespace

std::unique_ptr<EngineNetwork> buildLlamaNetwork(const ModelConfig &config, WeightLoader &weights)
{
    return std::make_unique<LlamaNetwork>(config, weights);
}

} // namespace qkov
