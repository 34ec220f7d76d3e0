// GPT-NeoX / Pythia as HuggingFace's modeling_gpt_neox computes it: one fused
// query_key_value interleaved per head ([H, 3, d] rows), rotate-half rotary
// on the first rotary_pct of each head, two LayerNorms, parallel residual
// (attention and MLP read the same input) unless use_parallel_residual is
// false, exact erf GELU, separate embed_out head.
#include "../EngineFamily.h"
#include "../EngineOps.h"
#include "Error.h"

#include <cmath>

namespace qkov {

namespace {

struct NeoxLayer
{
    QString qkvName, denseName;
    at::Tensor ln1w, ln1b, ln2w, ln2b;
    at::Tensor qkv, qkvBias, dense, denseBias;
    at::Tensor up, upBias, down, downBias;
};

class NeoxNetwork final : public EngineNetwork
{
public:
    NeoxNetwork(const ModelConfig &config, WeightLoader &weights);
    at::Tensor forward(const at::Tensor &tokens, const at::Tensor &keyMask,
                       ForwardPass &pass) const override;

private:
    int m_heads = 0, m_headDim = 0;
    double m_eps = 1e-5;
    double m_scaling = 1.0;
    bool m_parallel = true;
    Activation m_activation = Activation::GeluExact;
    RotaryEmbedding m_rotary;
    at::Tensor m_embed, m_lnfw, m_lnfb, m_lmHead;
    std::vector<NeoxLayer> m_layers;
};

NeoxNetwork::NeoxNetwork(const ModelConfig &c, WeightLoader &w)
    : m_heads(c.numHeads), m_headDim(c.headDim), m_eps(c.normEps),
      m_scaling(1.0 / std::sqrt(double(c.headDim))), m_parallel(c.parallelResidual)
{
    const QString where = w.where();
    if (c.numKvHeads != c.numHeads)
        throw Error(where, QStringLiteral("GPT-NeoX has no grouped key/value heads."));
    if (c.intermediateSize <= 0)
        throw Error(where, QStringLiteral("intermediate_size is missing from the configuration."));
    m_activation = parseActivation(c.activation.isEmpty() ? QStringLiteral("gelu") : c.activation, where);
    const QString prefix = QStringLiteral("gpt_neox.");
    const int64_t D = c.hiddenSize, V = c.vocabSize, I = c.intermediateSize;
    const int64_t A = int64_t(c.numHeads) * c.headDim;
    m_embed = w.require(prefix + QStringLiteral("embed_in.weight"), {V, D});
    m_lnfw = w.require(prefix + QStringLiteral("final_layer_norm.weight"), {D});
    m_lnfb = w.require(prefix + QStringLiteral("final_layer_norm.bias"), {D});
    const QString head = QStringLiteral("embed_out.weight");
    m_lmHead = c.tieWordEmbeddings || !w.contains(head) ? m_embed : w.require(head, {V, D});
    for (int l = 0; l < c.numLayers; ++l) {
        const QString p = prefix + QStringLiteral("layers.%1.").arg(l);
        NeoxLayer L;
        L.qkvName = p + QStringLiteral("attention.query_key_value.weight");
        L.denseName = p + QStringLiteral("attention.dense.weight");
        L.ln1w = w.require(p + QStringLiteral("input_layernorm.weight"), {D});
        L.ln1b = w.require(p + QStringLiteral("input_layernorm.bias"), {D});
        L.ln2w = w.require(p + QStringLiteral("post_attention_layernorm.weight"), {D});
        L.ln2b = w.require(p + QStringLiteral("post_attention_layernorm.bias"), {D});
        L.qkv = w.require(L.qkvName, {3 * A, D});
        L.qkvBias = w.optional(p + QStringLiteral("attention.query_key_value.bias"), {3 * A});
        L.dense = w.require(L.denseName, {D, A});
        L.denseBias = w.optional(p + QStringLiteral("attention.dense.bias"), {D});
        L.up = w.require(p + QStringLiteral("mlp.dense_h_to_4h.weight"), {I, D});
        L.upBias = w.optional(p + QStringLiteral("mlp.dense_h_to_4h.bias"), {I});
        L.down = w.require(p + QStringLiteral("mlp.dense_4h_to_h.weight"), {D, I});
        L.downBias = w.optional(p + QStringLiteral("mlp.dense_4h_to_h.bias"), {D});
        w.markAttentionWeight(L.qkvName);
        w.markAttentionWeight(L.denseName);
        m_layers.push_back(std::move(L));
    }
    m_rotary = RotaryEmbedding(c.rope, c.headDim, c.maxPositions,
                               at::promote_types(m_embed.scalar_type(), at::kFloat), where);
}

at::Tensor NeoxNetwork::forward(const at::Tensor &tokens, const at::Tensor &keyMask,
                                ForwardPass &pass) const
{
    const int64_t B = tokens.size(0), T = tokens.size(1), d = m_headDim;
    const AttentionMasking masking(keyMask, /*causal=*/true);
    at::Tensor h = at::embedding(m_embed, tokens);
    for (size_t l = 0; l < m_layers.size(); ++l) {
        const NeoxLayer &L = m_layers[l];
        const int layer = int(l);
        const at::Tensor x = layerNorm(h, L.ln1w, L.ln1b, m_eps);
        // Rows are [head][q | k | v][d]: split within each head.
        const at::Tensor qkv = pass.project(layer, "qkv", L.qkvName, x, L.qkv, L.qkvBias)
                                   .view({B, T, m_heads, 3 * d}).transpose(1, 2);
        const at::Tensor q = m_rotary.apply(qkv.narrow(-1, 0, d));
        const at::Tensor k = m_rotary.apply(qkv.narrow(-1, d, d));
        const at::Tensor v = qkv.narrow(-1, 2 * d, d);
        const at::Tensor z = pass.attention().attend(layer, q, k, v, m_scaling, masking);
        const at::Tensor merged = z.transpose(1, 2).reshape({B, T, int64_t(m_heads) * d});
        const at::Tensor attn = pass.project(layer, "o", L.denseName, merged, L.dense, L.denseBias);
        auto mlp = [&](const at::Tensor &in) {
            pass.cancelPoint();
            const at::Tensor inner = activate(linear(layerNorm(in, L.ln2w, L.ln2b, m_eps), L.up, L.upBias), m_activation);
            pass.cancelPoint();
            return linear(inner, L.down, L.downBias);
        };
        if (m_parallel) {
            h = h + attn + mlp(h);
        } else {
            h = h + attn;
            h = h + mlp(h);
        }
    }
    h = layerNorm(h, m_lnfw, m_lnfb, m_eps);
    return pass.lmHead(h, m_lmHead);
}

} // namespace

std::unique_ptr<EngineNetwork> buildGptNeoxNetwork(const ModelConfig &config, WeightLoader &weights)
{
    return std::make_unique<NeoxNetwork>(config, weights);
}

} // namespace qkov
