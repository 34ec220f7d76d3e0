// Phi-1, Phi-1.5 and Phi-2 (HF model_type "phi"), as modeling_phi computes
// them: one input_layernorm feeds attention and the MLP in parallel, rotary
// embedding on the first partial_rotary_factor share of each head
// (rotate-half), q/k/v_proj and the output projection "dense" with biases,
// fc1 / gelu_new / fc2, final_layernorm, and an lm_head with a bias.
#include "../EngineFamily.h"
#include "../EngineOps.h"
#include "SplitAttention.h"
#include "Error.h"

#include <cmath>

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
    int m_heads = 0, m_kvHeads = 0, m_headDim = 0;
    double m_eps = 1e-5;
    double m_scaling = 1.0;
    Activation m_activation = Activation::GeluTanh;
    RotaryEmbedding m_rotary;
    at::Tensor m_embed, m_finalNormWeight, m_finalNormBias, m_lmHead, m_lmHeadBias;
    std::vector<PhiLayer> m_layers;
};

PhiNetwork::PhiNetwork(const ModelConfig &c, WeightLoader &w)
    : m_heads(c.numHeads), m_kvHeads(c.numKvHeads), m_headDim(c.headDim), m_eps(c.normEps),
      m_scaling(1.0 / std::sqrt(double(c.headDim)))
{
    const QString where = w.where();
    if (c.intermediateSize <= 0)
        throw Error(where, QStringLiteral("intermediate_size is missing from the configuration."));
    if (c.raw.value(QStringLiteral("qk_layernorm")).toBool(false))
        throw Error(where, QStringLiteral("Phi checkpoints with qk_layernorm are not supported by the engine."));
    m_activation = parseActivation(c.activation.isEmpty() ? QStringLiteral("gelu_new") : c.activation, where);

    QString prefix;
    if (w.contains(QStringLiteral("model.embed_tokens.weight")))
        prefix = QStringLiteral("model.");
    else if (!w.contains(QStringLiteral("embed_tokens.weight")))
        throw Error(where, QStringLiteral("the tensor \"model.embed_tokens.weight\" is missing."));
    const int64_t D = c.hiddenSize, V = c.vocabSize, I = c.intermediateSize;
    const int64_t qOut = int64_t(c.numHeads) * c.headDim;
    const int64_t kvOut = int64_t(c.numKvHeads) * c.headDim;
    m_embed = w.require(prefix + QStringLiteral("embed_tokens.weight"), {V, D});
    m_finalNormWeight = w.require(prefix + QStringLiteral("final_layernorm.weight"), {D});
    m_finalNormBias = w.require(prefix + QStringLiteral("final_layernorm.bias"), {D});
    const QString head = QStringLiteral("lm_head.weight");
    m_lmHead = c.tieWordEmbeddings || !w.contains(head) ? m_embed : w.require(head, {V, D});
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
    m_rotary = RotaryEmbedding(c.rope, c.headDim, c.maxPositions,
                               at::promote_types(m_embed.scalar_type(), at::kFloat), where);
}

at::Tensor PhiNetwork::forward(const at::Tensor &tokens, const at::Tensor &keyMask,
                               ForwardPass &pass) const
{
    const int64_t B = tokens.size(0), T = tokens.size(1);
    const AttentionMasking causal(keyMask, /*causal=*/true);
    auto heads = [&](const at::Tensor &y, int n) {
        return y.view({B, T, n, m_headDim}).transpose(1, 2);
    };

    at::Tensor h = at::embedding(m_embed, tokens);
    for (size_t l = 0; l < m_layers.size(); ++l) {
        const PhiLayer &L = m_layers[l];
        const int layer = int(l);
        // Parallel block: attention and MLP read the same normalised input.
        const at::Tensor x = layerNorm(h, L.normWeight, L.normBias, m_eps);
        at::Tensor q = heads(pass.project(layer, "q", L.qName, x, L.wq, L.bq), m_heads);
        at::Tensor k = heads(pass.project(layer, "k", L.kName, x, L.wk, L.bk), m_kvHeads);
        const at::Tensor v = heads(pass.project(layer, "v", L.vName, x, L.wv, L.bv), m_kvHeads);
        q = m_rotary.apply(q);
        k = m_rotary.apply(k);
        const at::Tensor z = pass.attention().attend(layer, q, k, v, m_scaling, causal);
        const at::Tensor merged = z.transpose(1, 2).reshape({B, T, int64_t(m_heads) * m_headDim});
        const at::Tensor attended = pass.project(layer, "o", L.oName, merged, L.wo, L.bo);
        pass.cancelPoint();
        const at::Tensor inner = activate(linear(x, L.fc1, L.fc1Bias), m_activation);
        pass.cancelPoint();
        h = h + attended + linear(inner, L.fc2, L.fc2Bias);
    }
    h = layerNorm(h, m_finalNormWeight, m_finalNormBias, m_eps);
    return pass.lmHead(h, m_lmHead, m_lmHeadBias);
}

} // namespace

std::unique_ptr<EngineNetwork> buildPhiNetwork(const ModelConfig &config, WeightLoader &weights)
{
    return std::make_unique<PhiNetwork>(config, weights);
}

} // namespace qkov
