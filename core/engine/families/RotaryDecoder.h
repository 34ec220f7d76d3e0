#pragma once
// What the rotary decoder families (LLaMA, Gemma, Phi, Phi-3) share: the
// embedding / LM-head loading of HuggingFace's "model."-prefixed checkpoints
// and a grouped-query self-attention with rotary positions. Each family file
// keeps what is its own (norms, MLP, block order, checks).
#include "../AttentionCore.h"
#include "../EngineFamily.h"
#include "../EngineOps.h"
#include "SplitAttention.h"
#include "Error.h"

#include <cmath>

namespace qkov {

struct DecoderEmbedding
{
    QString prefix; // "model." or "" (a checkpoint saved from the bare decoder)
    at::Tensor embed, lmHead;
};

// embed_tokens [V, D]; the LM head is the embedding when the config ties
// them, and when no separate head was saved.
inline DecoderEmbedding loadDecoderEmbedding(WeightLoader &w, const ModelConfig &c)
{
    DecoderEmbedding e;
    if (w.contains(QStringLiteral("model.embed_tokens.weight")))
        e.prefix = QStringLiteral("model.");
    else if (!w.contains(QStringLiteral("embed_tokens.weight")))
        throw Error(w.where(), QStringLiteral("the tensor \"model.embed_tokens.weight\" is missing."));
    const int64_t D = c.hiddenSize, V = c.vocabSize;
    e.embed = w.require(e.prefix + QStringLiteral("embed_tokens.weight"), {V, D});
    const QString head = QStringLiteral("lm_head.weight");
    e.lmHead = c.tieWordEmbeddings || !w.contains(head) ? e.embed : w.require(head, {V, D});
    return e;
}

inline void requireIntermediateSize(const ModelConfig &c, const QString &where)
{
    if (c.intermediateSize <= 0)
        throw Error(where, QStringLiteral("intermediate_size is missing from the configuration."));
}

// Grouped-query self-attention with rotary positions on q and k (partial when
// the config's rope says so), scaled by 1/sqrt(head_dim).
class RotarySelfAttention
{
public:
    RotarySelfAttention() = default;
    // Angles in at least float32 (as HuggingFace computes them), float64 for
    // a float64 engine.
    RotarySelfAttention(const ModelConfig &c, at::ScalarType weightType, const QString &where)
        : m_heads(c.numHeads), m_kvHeads(c.numKvHeads), m_headDim(c.headDim),
          m_scaling(1.0 / std::sqrt(double(c.headDim))),
          m_rotary(c.rope, c.headDim, c.maxPositions, at::promote_types(weightType, at::kFloat), where)
    {
    }

    int64_t queryWidth() const { return int64_t(m_heads) * m_headDim; }
    int64_t keyValueWidth() const { return int64_t(m_kvHeads) * m_headDim; }

    // Projections already made, [B, T, width] each: rotate q and k, attend,
    // merge the heads back to [B, T, H*d].
    at::Tensor attend(ForwardPass &pass, int layer, const at::Tensor &q, const at::Tensor &k, const at::Tensor &v,
                      const AttentionMasking &masking) const
    {
        const int64_t B = q.size(0), T = q.size(1);
        const at::Tensor z = pass.attention().attend(layer, m_rotary.apply(heads(q, m_heads)),
                                                     m_rotary.apply(heads(k, m_kvHeads)), heads(v, m_kvHeads),
                                                     m_scaling, masking);
        return z.transpose(1, 2).reshape({B, T, queryWidth()});
    }

    // The whole module with split projections: q, k, v from x, attention,
    // and the O projection of the merged heads.
    at::Tensor forward(ForwardPass &pass, int layer, const SplitAttention &a, const at::Tensor &x,
                       const AttentionMasking &masking) const
    {
        const at::Tensor q = pass.project(layer, "q", a.qName, x, a.wq, a.bq);
        const at::Tensor k = pass.project(layer, "k", a.kName, x, a.wk, a.bk);
        const at::Tensor v = pass.project(layer, "v", a.vName, x, a.wv, a.bv);
        return pass.project(layer, "o", a.oName, attend(pass, layer, q, k, v, masking), a.wo, a.bo);
    }

private:
    // [B, T, n*d] -> [B, n, T, d] (a copy only when y is a strided slice)
    at::Tensor heads(const at::Tensor &y, int n) const
    {
        return y.reshape({y.size(0), y.size(1), n, m_headDim}).transpose(1, 2);
    }

    int m_heads = 0, m_kvHeads = 0, m_headDim = 0;
    double m_scaling = 1.0;
    RotaryEmbedding m_rotary;
};

} // namespace qkov
