// Gemma (HF model_type "gemma"), as modeling_gemma computes it: embeddings
// scaled by sqrt(hidden) (the factor rounded to the compute dtype), RMSNorm
// that multiplies by (1 + weight) in float32, rotate-half RoPE over head_dim
// (from config.json, not necessarily hidden / heads), grouped-query attention,
// GeGLU with the tanh GELU, and an lm_head tied to the unscaled embeddings.
#include "../EngineFamily.h"
#include "../EngineOps.h"
#include "SplitAttention.h"
#include "Error.h"

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
    int m_heads = 0, m_kvHeads = 0, m_headDim = 0;
    double m_eps = 1e-6;
    double m_scaling = 1.0;
    Activation m_activation = Activation::GeluTanh;
    RotaryEmbedding m_rotary;
    at::Tensor m_embed, m_normalizer, m_finalNorm, m_lmHead;
    std::vector<GemmaLayer> m_layers;
};

GemmaNetwork::GemmaNetwork(const ModelConfig &c, WeightLoader &w)
    : m_heads(c.numHeads), m_kvHeads(c.numKvHeads), m_headDim(c.headDim), m_eps(c.normEps),
      m_scaling(1.0 / std::sqrt(double(c.headDim)))
{
    const QString where = w.where();
    if (c.intermediateSize <= 0)
        throw Error(where, QStringLiteral("intermediate_size is missing from the configuration."));
    m_activation = parseActivation(c.activation.isEmpty() ? QStringLiteral("gelu_pytorch_tanh") : c.activation, where);

    QString prefix;
    if (w.contains(QStringLiteral("model.embed_tokens.weight")))
        prefix = QStringLiteral("model.");
    else if (!w.contains(QStringLiteral("embed_tokens.weight")))
        throw Error(where, QStringLiteral("the tensor \"model.embed_tokens.weight\" is missing."));
    const int64_t D = c.hiddenSize, V = c.vocabSize, I = c.intermediateSize;
    const int64_t qOut = int64_t(c.numHeads) * c.headDim;
    const int64_t kvOut = int64_t(c.numKvHeads) * c.headDim;
    m_embed = w.require(prefix + QStringLiteral("embed_tokens.weight"), {V, D});
    // HF builds the factor as a tensor of the hidden states' dtype.
    m_normalizer = at::scalar_tensor(std::sqrt(double(D)), m_embed.options());
    m_finalNorm = w.require(prefix + QStringLiteral("norm.weight"), {D});
    const QString head = QStringLiteral("lm_head.weight");
    m_lmHead = c.tieWordEmbeddings || !w.contains(head) ? m_embed : w.require(head, {V, D});

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
    m_rotary = RotaryEmbedding(c.rope, c.headDim, c.maxPositions,
                               at::promote_types(m_embed.scalar_type(), at::kFloat), where);
}

at::Tensor GemmaNetwork::forward(const at::Tensor &tokens, const at::Tensor &keyMask,
                                 ForwardPass &pass) const
{
    const int64_t B = tokens.size(0), T = tokens.size(1);
    const AttentionMasking causal(keyMask, /*causal=*/true);
    auto heads = [&](const at::Tensor &y, int n) {
        return y.view({B, T, n, m_headDim}).transpose(1, 2);
    };

    at::Tensor h = at::embedding(m_embed, tokens) * m_normalizer;
    for (size_t l = 0; l < m_layers.size(); ++l) {
        const GemmaLayer &L = m_layers[l];
        const int layer = int(l);
        const at::Tensor x = rmsNorm(h, L.inputNorm, m_eps, /*plusOne=*/true);
        at::Tensor q = heads(pass.project(layer, "q", L.qName, x, L.wq, L.bq), m_heads);
        at::Tensor k = heads(pass.project(layer, "k", L.kName, x, L.wk, L.bk), m_kvHeads);
        const at::Tensor v = heads(pass.project(layer, "v", L.vName, x, L.wv, L.bv), m_kvHeads);
        q = m_rotary.apply(q);
        k = m_rotary.apply(k);
        const at::Tensor z = pass.attention().attend(layer, q, k, v, m_scaling, causal);
        const at::Tensor merged = z.transpose(1, 2).reshape({B, T, int64_t(m_heads) * m_headDim});
        h = h + pass.project(layer, "o", L.oName, merged, L.wo, L.bo);
        const at::Tensor x2 = rmsNorm(h, L.postNorm, m_eps, /*plusOne=*/true);
        pass.cancelPoint();
        const at::Tensor gate = activate(at::matmul(x2, L.gate.t()), m_activation);
        pass.cancelPoint();
        const at::Tensor gated = gate * at::matmul(x2, L.up.t());
        pass.cancelPoint();
        h = h + at::matmul(gated, L.down.t());
    }
    h = rmsNorm(h, m_finalNorm, m_eps, /*plusOne=*/true);
    return pass.lmHead(h, m_lmHead);
}

} // namespace

std::unique_ptr<EngineNetwork> buildGemmaNetwork(const ModelConfig &config, WeightLoader &weights)
{
    return std::make_unique<GemmaNetwork>(config, weights);
}

} // namespace qkov
