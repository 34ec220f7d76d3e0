// GPT-2 as HuggingFace's modeling_gpt2 computes it: learned positions,
// pre-LayerNorm blocks, Conv1D weights stored [in, out], one fused c_attn
// with blocked Q | K | V columns, gelu_new MLP, LM head tied to wte.
#include "../EngineFamily.h"
#include "../EngineOps.h"
#include "Error.h"

#include <cmath>

namespace qkov {

namespace {

struct Gpt2Layer
{
    QString attnName, projName;
    at::Tensor ln1w, ln1b, ln2w, ln2b;
    at::Tensor cAttn, cAttnBias, cProj, cProjBias; // [D, 3D], [D, D] (Conv1D)
    at::Tensor fc, fcBias, fcProj, fcProjBias;     // [D, I], [I, D]
    double scaling = 1.0;
};

class Gpt2Network final : public EngineNetwork
{
public:
    Gpt2Network(const ModelConfig &config, WeightLoader &weights);
    at::Tensor forward(const at::Tensor &tokens, const at::Tensor &keyMask,
                       ForwardPass &pass) const override;

private:
    int m_heads = 0, m_headDim = 0;
    double m_eps = 1e-5;
    Activation m_activation = Activation::GeluTanh;
    at::Tensor m_wte, m_wpe, m_lnfw, m_lnfb, m_lmHead;
    std::vector<Gpt2Layer> m_layers;
};

Gpt2Network::Gpt2Network(const ModelConfig &c, WeightLoader &w)
    : m_heads(c.numHeads), m_headDim(c.headDim), m_eps(c.normEps)
{
    const QString where = w.where();
    if (c.numKvHeads != c.numHeads || int64_t(c.numHeads) * c.headDim != c.hiddenSize)
        throw Error(where, QStringLiteral("GPT-2 needs n_embd = n_head x head size and no grouped heads."));
    if (c.maxPositions <= 0)
        throw Error(where, QStringLiteral("n_positions is missing from the configuration."));
    m_activation = parseActivation(c.activation.isEmpty() ? QStringLiteral("gelu_new") : c.activation, where);
    // Canonical checkpoints have no prefix, fine-tuned ones often "transformer.".
    const QString prefix = w.contains(QStringLiteral("transformer.wte.weight"))
                               ? QStringLiteral("transformer.") : QString();
    const int64_t D = c.hiddenSize, V = c.vocabSize, P = c.maxPositions;
    const int64_t I = c.intermediateSize > 0 ? c.intermediateSize : 4 * D;
    m_wte = w.require(prefix + QStringLiteral("wte.weight"), {V, D});
    m_wpe = w.require(prefix + QStringLiteral("wpe.weight"), {P, D});
    m_lnfw = w.require(prefix + QStringLiteral("ln_f.weight"), {D});
    m_lnfb = w.require(prefix + QStringLiteral("ln_f.bias"), {D});
    const QString head = QStringLiteral("lm_head.weight");
    m_lmHead = c.tieWordEmbeddings || !w.contains(head) ? m_wte : w.require(head, {V, D});

    const bool scaleWeights = c.raw.value(QStringLiteral("scale_attn_weights")).toBool(true);
    const bool byLayer = c.raw.value(QStringLiteral("scale_attn_by_inverse_layer_idx")).toBool(false);
    for (int l = 0; l < c.numLayers; ++l) {
        const QString p = prefix + QStringLiteral("h.%1.").arg(l);
        Gpt2Layer L;
        L.attnName = p + QStringLiteral("attn.c_attn.weight");
        L.projName = p + QStringLiteral("attn.c_proj.weight");
        L.ln1w = w.require(p + QStringLiteral("ln_1.weight"), {D});
        L.ln1b = w.require(p + QStringLiteral("ln_1.bias"), {D});
        L.ln2w = w.require(p + QStringLiteral("ln_2.weight"), {D});
        L.ln2b = w.require(p + QStringLiteral("ln_2.bias"), {D});
        L.cAttn = w.require(L.attnName, {D, 3 * D});
        L.cAttnBias = w.require(p + QStringLiteral("attn.c_attn.bias"), {3 * D});
        L.cProj = w.require(L.projName, {D, D});
        L.cProjBias = w.require(p + QStringLiteral("attn.c_proj.bias"), {D});
        L.fc = w.require(p + QStringLiteral("mlp.c_fc.weight"), {D, I});
        L.fcBias = w.require(p + QStringLiteral("mlp.c_fc.bias"), {I});
        L.fcProj = w.require(p + QStringLiteral("mlp.c_proj.weight"), {I, D});
        L.fcProjBias = w.require(p + QStringLiteral("mlp.c_proj.bias"), {D});
        w.markAttentionWeight(L.attnName);
        w.markAttentionWeight(L.projName);
        L.scaling = (scaleWeights ? 1.0 / std::sqrt(double(c.headDim)) : 1.0) / (byLayer ? double(l + 1) : 1.0);
        m_layers.push_back(std::move(L));
    }
}

at::Tensor Gpt2Network::forward(const at::Tensor &tokens, const at::Tensor &keyMask,
                                ForwardPass &pass) const
{
    const int64_t B = tokens.size(0), T = tokens.size(1), D = m_wte.size(1);
    if (T > m_wpe.size(0))
        throw Error(QStringLiteral("tokens"), QStringLiteral("%1 tokens exceed the model's %2 positions.")
                                                  .arg(T).arg(m_wpe.size(0)));
    const AttentionMasking masking(keyMask, /*causal=*/true);
    auto heads = [&](const at::Tensor &y) { return y.view({B, T, m_heads, m_headDim}).transpose(1, 2); };
    at::Tensor h = at::embedding(m_wte, tokens) + m_wpe.narrow(0, 0, T).unsqueeze(0);
    for (size_t l = 0; l < m_layers.size(); ++l) {
        const Gpt2Layer &L = m_layers[l];
        const int layer = int(l);
        const at::Tensor x = layerNorm(h, L.ln1w, L.ln1b, m_eps);
        const at::Tensor qkv = pass.project(layer, "qkv", L.attnName, x, L.cAttn, L.cAttnBias, true);
        const at::Tensor z = pass.attention().attend(layer, heads(qkv.narrow(-1, 0, D)),
                                                     heads(qkv.narrow(-1, D, D)),
                                                     heads(qkv.narrow(-1, 2 * D, D)), L.scaling, masking);
        const at::Tensor merged = z.transpose(1, 2).reshape({B, T, D});
        h = h + pass.project(layer, "o", L.projName, merged, L.cProj, L.cProjBias, true);
        const at::Tensor x2 = layerNorm(h, L.ln2w, L.ln2b, m_eps);
        pass.cancelPoint();
        const at::Tensor inner = activate(at::matmul(x2, L.fc) + L.fcBias, m_activation);
        pass.cancelPoint();
        h = h + at::matmul(inner, L.fcProj) + L.fcProjBias;
    }
    h = layerNorm(h, m_lnfw, m_lnfb, m_eps);
    return pass.lmHead(h, m_lmHead);
}

} // namespace

std::unique_ptr<EngineNetwork> buildGpt2Network(const ModelConfig &config, WeightLoader &weights)
{
    return std::make_unique<Gpt2Network>(config, weights);
}

} // namespace qkov
