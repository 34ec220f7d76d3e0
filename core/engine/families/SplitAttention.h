#pragma once
// The split Q/K/V/O projections of one attention module in nn.Linear layout
// ([out, in]), as LLaMA-, Gemma- and Phi-style checkpoints store them: the
// weights are required with their shapes and marked as attention weights
// (the ones Fisher collection and freezing work on); biases are optional.
#include "../EngineFamily.h"

#include <QString>

namespace qkov {

struct SplitAttention
{
    QString qName, kName, vName, oName; // checkpoint names of the weights
    at::Tensor wq, wk, wv, wo, bq, bk, bv, bo;
};

// `module` ends with the attention module's dot, e.g. "model.layers.3.self_attn.";
// `oProjection` is the O projection's name ("o_proj", Phi's "dense").
inline SplitAttention loadSplitAttention(WeightLoader &w, const QString &module, int64_t qOut, int64_t kvOut,
                                         int64_t hidden, const QString &oProjection = QStringLiteral("o_proj"))
{
    SplitAttention a;
    a.qName = module + QStringLiteral("q_proj.weight");
    a.kName = module + QStringLiteral("k_proj.weight");
    a.vName = module + QStringLiteral("v_proj.weight");
    a.oName = module + oProjection + QStringLiteral(".weight");
    a.wq = w.require(a.qName, {qOut, hidden});
    a.wk = w.require(a.kName, {kvOut, hidden});
    a.wv = w.require(a.vName, {kvOut, hidden});
    a.wo = w.require(a.oName, {hidden, qOut});
    for (const QString &n : {a.qName, a.kName, a.vName, a.oName})
        w.markAttentionWeight(n);
    a.bq = w.optional(module + QStringLiteral("q_proj.bias"), {qOut});
    a.bk = w.optional(module + QStringLiteral("k_proj.bias"), {kvOut});
    a.bv = w.optional(module + QStringLiteral("v_proj.bias"), {kvOut});
    a.bo = w.optional(module + oProjection + QStringLiteral(".bias"), {hidden});
    return a;
}

} // namespace qkov
