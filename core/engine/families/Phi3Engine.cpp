// Phi-3 (HF model_type "phi3"), as modeling_phi3 computes it: pre-RMSNorm
// blocks, one fused qkv_proj whose rows are Q | K | V (grouped-query: K starts
// at H*d, V at H*d + H_kv*d), rotate-half RoPE (partial when
// partial_rotary_factor < 1), o_proj, and a fused gate_up_proj whose first
// half is the gate and second half the up projection, with SiLU.
#include "../EngineFamily.h"
#include "../EngineOps.h"
#include "Error.h"

#include <cmath>

namespace qkov {

namespace {

struct Phi3Layer
{
    QString qkvName, oName;
    at::Tensor inputNorm, postNorm;
    at::Tensor wqkv, wo;
    at::Tensor gateUp, down;
};

class Phi3Network final : public EngineNetwork
{
public:
    Phi3Network(const ModelConfig &config, WeightLoader &weights);
    at::Tensor forward(const at::Tensor &tokens, const at::Tensor &keyMask,
                       ForwardPass &pass) const override;

private:
    int m_heads = 0, m_kvHeads = 0, m_headDim = 0;
    int64_t m_intermediate = 0;
    double m_eps = 1e-5;
    double m_scaling = 1.0;
    int m_slidingWindow = 0;
    Activation m_activation = Activation::SiLU;
    RotaryEmbedding m_rotary;
    at::Tensor m_embed, m_finalNorm, m_lmHead;
    std::vector<Phi3Layer> m_layers;
};

Phi3Network::Phi3Network(const ModelConfig &c, WeightLoader &w)
    : m_heads(c.numHeads), m_kvHeads(c.numKvHeads), m_headDim(c.headDim),
      m_intermediate(c.intermediateSize), m_eps(c.normEps),
      m_scaling(1.0 / std::sqrt(double(c.headDim)))
{
    const QString where = w.where();
    if (c.intermediateSize <= 0)
        throw Error(where, QStringLiteral("intermediate_size is missing from the configuration."));
    const QString scaling = c.rope.scalingType.trimmed().toLower();
    if (scaling == QLatin1String("longrope") || scaling == QLatin1String("su")
        || scaling == QLatin1String("yarn"))
        throw Error(where, QStringLiteral("Phi-3 long-context rope_scaling (\"%1\") is not supported by the engine; use a 4k-context Phi-3 checkpoint.")
                               .arg(c.rope.scalingType));
    m_activation = parseActivation(c.activation.isEmpty() ? QStringLiteral("silu") : c.activation, where);
    // HF masks keys more than sliding_window - 1 positions back.
    const QJsonValue window = c.raw.value(QStringLiteral("sliding_window"));
    m_slidingWindow = window.isDouble() && window.toInt() > 0 ? window.toInt() : 0;

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
    const QString head = QStringLiteral("lm_head.weight");
    m_lmHead = c.tieWordEmbeddings || !w.contains(head) ? m_embed : w.require(head, {V, D});

    for (int l = 0; l < c.numLayers; ++l) {
        const QString p = prefix + QStringLiteral("layers.%1.").arg(l);
        Phi3Layer L;
        L.qkvName = p + QStringLiteral("self_attn.qkv_proj.weight");
        L.oName = p + QStringLiteral("self_attn.o_proj.weight");
        L.inputNorm = w.require(p + QStringLiteral("input_layernorm.weight"), {D});
        L.postNorm = w.require(p + QStringLiteral("post_attention_layernorm.weight"), {D});
        L.wqkv = w.require(L.qkvName, {qOut + 2 * kvOut, D});
        L.wo = w.require(L.oName, {D, qOut});
        w.markAttentionWeight(L.qkvName);
        w.markAttentionWeight(L.oName);
        L.gateUp = w.require(p + QStringLiteral("mlp.gate_up_proj.weight"), {2 * I, D});
        L.down = w.require(p + QStringLiteral("mlp.down_proj.weight"), {D, I});
        m_layers.push_back(std::move(L));
    }
    m_rotary = RotaryEmbedding(c.rope, c.headDim, c.maxPositions,
                               at::promote_types(m_embed.scalar_type(), at::kFloat), where);
}

at::Tensor Phi3Network::forward(const at::Tensor &tokens, const at::Tensor &keyMask,
                                ForwardPass &pass) const
{
    const int64_t B = tokens.size(0), T = tokens.size(1);
    const AttentionMasking masking(keyMask, /*causal=*/true, m_slidingWindow);
    const int64_t qOut = int64_t(m_heads) * m_headDim;
    const int64_t kvOut = int64_t(m_kvHeads) * m_headDim;
    auto heads = [&](const at::Tensor &y, int n) {
        return y.reshape({B, T, n, m_headDim}).transpose(1, 2);
    };

    at::Tensor h = at::embedding(m_embed, tokens);
    for (size_t l = 0; l < m_layers.size(); ++l) {
        const Phi3Layer &L = m_layers[l];
        const int layer = int(l);
        const at::Tensor x = rmsNorm(h, L.inputNorm, m_eps);
        const at::Tensor qkv = pass.project(layer, "qkv", L.qkvName, x, L.wqkv, {});
        const at::Tensor q = m_rotary.apply(heads(qkv.narrow(-1, 0, qOut), m_heads));
        const at::Tensor k = m_rotary.apply(heads(qkv.narrow(-1, qOut, kvOut), m_kvHeads));
        const at::Tensor v = heads(qkv.narrow(-1, qOut + kvOut, kvOut), m_kvHeads);
        const at::Tensor z = pass.attention().attend(layer, q, k, v, m_scaling, masking);
        const at::Tensor merged = z.transpose(1, 2).reshape({B, T, qOut});
        h = h + pass.project(layer, "o", L.oName, merged, L.wo, {});
        pass.cancelPoint();
        const at::Tensor gateUp = at::matmul(rmsNorm(h, L.postNorm, m_eps), L.gateUp.t());
        pass.cancelPoint();
        const at::Tensor gated = gateUp.narrow(-1, m_intermediate, m_intermediate)
                                 * activate(gateUp.narrow(-1, 0, m_intermediate), m_activation);
        h = h + at::matmul(gated, L.down.t());
    }
    h = rmsNorm(h, m_finalNorm, m_eps);
    return pass.lmHead(h, m_lmHead);
}

} // namespace

std::unique_ptr<EngineNetwork> buildPhi3Network(const ModelConfig &config, WeightLoader &weights)
{
    return std::make_unique<Phi3Network>(config, weights);
}

} // namespace qkov
