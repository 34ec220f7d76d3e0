// Phi-3 (HF model_type "phi3"), as modeling_phi3 computes it: pre-RMSNorm
// blocks, one fused qkv_proj whose rows are Q | K | V (grouped-query: K starts
// at H*d, V at H*d + H_kv*d), rotate-half RoPE (partial when
// partial_rotary_factor < 1), o_proj, and a fused gate_up_proj whose first
// half is the gate and second half the up projection, with SiLU.
#include "RotaryDecoder.h"

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
    int64_t m_intermediate = 0;
    double m_eps = 1e-5;
    int m_slidingWindow = 0;
    Activation m_activation = Activation::SiLU;
    RotarySelfAttention m_attention;
    DecoderEmbedding m_embedding;
    at::Tensor m_finalNorm;
    std::vector<Phi3Layer> m_layers;
};

Phi3Network::Phi3Network(const ModelConfig &c, WeightLoader &w)
    : m_intermediate(c.intermediateSize), m_eps(c.normEps)
{
    const QString where = w.where();
    requireIntermediateSize(c, where);
    const QString scaling = c.rope.scalingType.trimmed().toLower();
    if (scaling == QLatin1String("longrope") || scaling == QLatin1String("su")
        || scaling == QLatin1String("yarn"))
        throw Error(where, QStringLiteral("Phi-3 long-context rope_scaling (\"%1\") is not supported by the engine; use a 4k-context Phi-3 checkpoint.")
                               .arg(c.rope.scalingType));
    m_activation = parseActivation(c.activation.isEmpty() ? QStringLiteral("silu") : c.activation, where);
    // HF masks keys more than sliding_window - 1 positions back.
    const QJsonValue window = c.raw.value(QStringLiteral("sliding_window"));
    m_slidingWindow = window.isDouble() && window.toInt() > 0 ? window.toInt() : 0;

    m_embedding = loadDecoderEmbedding(w, c);
    m_attention = RotarySelfAttention(c, m_embedding.embed.scalar_type(), where);
    const QString &prefix = m_embedding.prefix;
    const int64_t D = c.hiddenSize, I = c.intermediateSize;
    const int64_t qOut = m_attention.queryWidth(), kvOut = m_attention.keyValueWidth();
    m_finalNorm = w.require(prefix + QStringLiteral("norm.weight"), {D});

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
}

at::Tensor Phi3Network::forward(const at::Tensor &tokens, const at::Tensor &keyMask,
                                ForwardPass &pass) const
{
    const AttentionMasking masking(keyMask, /*causal=*/true, m_slidingWindow);
    const int64_t qOut = m_attention.queryWidth(), kvOut = m_attention.keyValueWidth();

    at::Tensor h = at::embedding(m_embedding.embed, tokens);
    for (size_t l = 0; l < m_layers.size(); ++l) {
        const Phi3Layer &L = m_layers[l];
        const int layer = int(l);
        const at::Tensor x = rmsNorm(h, L.inputNorm, m_eps);
        const at::Tensor qkv = pass.project(layer, "qkv", L.qkvName, x, L.wqkv, {});
        const at::Tensor merged = m_attention.attend(pass, layer, qkv.narrow(-1, 0, qOut), qkv.narrow(-1, qOut, kvOut),
                                                     qkv.narrow(-1, qOut + kvOut, kvOut), masking);
        h = h + pass.project(layer, "o", L.oName, merged, L.wo, {});
        pass.cancelPoint();
        const at::Tensor gateUp = at::matmul(rmsNorm(h, L.postNorm, m_eps), L.gateUp.t());
        pass.cancelPoint();
        const at::Tensor gated = gateUp.narrow(-1, m_intermediate, m_intermediate)
                                 * activate(gateUp.narrow(-1, 0, m_intermediate), m_activation);
        h = h + at::matmul(gated, L.down.t());
    }
    h = rmsNorm(h, m_finalNorm, m_eps);
    return pass.lmHead(h, m_embedding.lmHead);
}

} // namespace

std::unique_ptr<EngineNetwork> buildPhi3Network(const ModelConfig &config, WeightLoader &weights)
{
    return std::make_unique<Phi3Network>(config, weights);
}

} // namespace qkov
