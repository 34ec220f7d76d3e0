#include "AttentionCore.h"

#include "Error.h"

#include <ATen/CPUGeneratorImpl.h>

#include <limits>

namespace qkov {

namespace {

const QString kWhere = QStringLiteral("intervention");

// The per-position mean of a reference set, extended past its length by the
// all-position mean (METRIC.md section 6), as [T, d].
at::Tensor meanRows(const HeadIntervention &iv, int64_t T, int64_t d, const at::TensorOptions &opts)
{
    if (!iv.positionMean.defined() && !iv.overallMean.defined())
        throw Error(kWhere, QStringLiteral("a mean replacement needs the reference means."));
    at::Tensor overall = iv.overallMean.defined() ? iv.overallMean
                                                  : iv.positionMean.mean(0);
    overall = overall.to(opts).reshape({1, -1});
    if (overall.size(1) != d)
        throw Error(kWhere, QStringLiteral("the reference mean has %1 entries, the head has %2.")
                                .arg(overall.size(1)).arg(d));
    if (!iv.positionMean.defined())
        return overall.expand({T, d});
    const at::Tensor perPosition = iv.positionMean.to(opts);
    if (perPosition.dim() != 2 || perPosition.size(1) != d)
        throw Error(kWhere, QStringLiteral("the per-position reference mean must be [T, %1].").arg(d));
    const int64_t known = std::min<int64_t>(T, perPosition.size(0));
    at::Tensor rows = perPosition.narrow(0, 0, known);
    if (known < T)
        rows = at::cat({rows, overall.expand({T - known, d})}, 0);
    return rows;
}

at::Tensor replacement(const at::Tensor &old, const HeadIntervention &iv)
{
    const bool vector = iv.point != AttentionPoint::Scores && iv.point != AttentionPoint::Pattern;
    switch (iv.method) {
    case ReplaceMethod::Zero:
        return at::zeros_like(old);
    case ReplaceMethod::Mean:
        if (!vector)
            throw Error(kWhere, QStringLiteral("mean replacement applies to q, k, v or z, not %1.")
                                    .arg(attentionPointName(iv.point)));
        return meanRows(iv, old.size(1), old.size(2), old.options()).unsqueeze(0).expand_as(old);
    case ReplaceMethod::Noise: {
        if (!vector)
            throw Error(kWhere, QStringLiteral("noise applies to q, k, v or z, not %1.")
                                    .arg(attentionPointName(iv.point)));
        if (!iv.variance.defined())
            throw Error(kWhere, QStringLiteral("noise needs the reference variance."));
        // Drawn on the CPU so that a seed means the same noise on every device.
        at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(iv.seed);
        const at::Tensor unit = at::randn(old.sizes(), gen, at::TensorOptions().dtype(at::kDouble));
        const at::Tensor sd = iv.variance.to(old.options()).clamp_min(0).sqrt();
        try {
            return old + unit.to(old.options()) * (iv.sigma * sd);
        } catch (const c10::Error &) {
            throw Error(kWhere, QStringLiteral("the noise variance does not fit the head's vectors."));
        }
    }
    case ReplaceMethod::Value:
        if (!iv.value.defined())
            throw Error(kWhere, QStringLiteral("a value replacement needs its tensor."));
        try {
            return iv.value.to(old.options()).expand_as(old);
        } catch (const c10::Error &) {
            throw Error(kWhere, QStringLiteral("the replacement for %1 does not fit the head's shape.")
                                    .arg(attentionPointName(iv.point)));
        }
    }
    return old;
}

} // namespace

AttentionMasking::AttentionMasking(const at::Tensor &keyMask, bool causal, int slidingWindow)
{
    const int64_t T = keyMask.size(1);
    const auto opts = at::TensorOptions().dtype(at::kLong).device(keyMask.device());
    const at::Tensor query = at::arange(T, opts).unsqueeze(1); // [T, 1]
    const at::Tensor key = at::arange(T, opts).unsqueeze(0);   // [1, T]
    at::Tensor allowed = keyMask.ne(0).unsqueeze(1).unsqueeze(1); // [B, 1, 1, T]
    if (causal)
        allowed = allowed.logical_and(key.le(query));
    if (slidingWindow > 0)
        allowed = allowed.logical_and((query - key).lt(slidingWindow));
    m_allowed = allowed.expand({keyMask.size(0), 1, T, T}).contiguous();
}

AttentionCore::AttentionCore(const InterventionTable *table, AttentionCapture *capture)
    : m_table(table && !table->empty() ? table : nullptr), m_capture(capture)
{
}

at::Tensor AttentionCore::visit(int layer, AttentionPoint point, at::Tensor x) const
{
    if (!m_table)
        return x;
    const int64_t heads = x.size(1);
    std::vector<at::Tensor> perHead; // split only when a head of this point is replaced
    for (const HeadIntervention &iv : m_table->replacements) {
        if (iv.layer != layer || iv.point != point)
            continue;
        if (iv.head < 0 || iv.head >= heads)
            throw Error(kWhere, QStringLiteral("layer %1 has no head %2 (it has %3).")
                                    .arg(layer).arg(iv.head).arg(heads));
        if (perHead.empty())
            perHead = x.unbind(1);
        at::Tensor &target = perHead[size_t(iv.head)];
        at::Tensor replaced = replacement(target, iv);
        target = iv.stopGradient ? replaced.detach() : replaced;
    }
    if (!perHead.empty())
        x = at::stack(perHead, 1);
    if (m_capture && m_table->capture.wants(layer, point)
        && layer < int(m_capture->layers.size()))
        m_capture->layers[size_t(layer)][size_t(point)] =
            m_table->capture.keepGraph ? x : x.detach();
    return x;
}

at::Tensor AttentionCore::attend(int layer, const at::Tensor &q, const at::Tensor &k,
                                 const at::Tensor &v, double scaling,
                                 const AttentionMasking &masking) const
{
    const int64_t heads = q.size(1);
    const int64_t kvHeads = k.size(1);
    TORCH_CHECK(kvHeads > 0 && heads % kvHeads == 0 && v.size(1) == kvHeads,
                "query heads must be a multiple of key/value heads");
    const int64_t group = heads / kvHeads;
    // Each query head gets its own K/V copy, so that an intervention on one
    // head never reaches the other heads of its group.
    auto expand = [&](const at::Tensor &t) {
        if (group == 1)
            return t;
        return t.unsqueeze(2)
            .expand({t.size(0), kvHeads, group, t.size(2), t.size(3)})
            .reshape({t.size(0), heads, t.size(2), t.size(3)});
    };
    const at::Tensor qh = visit(layer, AttentionPoint::Q, q);
    const at::Tensor kh = visit(layer, AttentionPoint::K, expand(k));
    const at::Tensor vh = visit(layer, AttentionPoint::V, expand(v));

    at::Tensor scores = at::matmul(qh, kh.transpose(-1, -2)) * scaling;
    scores = visit(layer, AttentionPoint::Scores, scores);
    const at::ScalarType softmaxType = at::promote_types(scores.scalar_type(), at::kFloat);
    at::Tensor wide = scores.to(softmaxType);
    // A finite lowest value (not -inf): a query that sees no key gets a
    // uniform pattern instead of NaN, as with HuggingFace's additive mask.
    const double lowest = softmaxType == at::kDouble ? std::numeric_limits<double>::lowest()
                                                     : double(std::numeric_limits<float>::lowest());
    wide = wide.masked_fill(masking.allowed().logical_not(), lowest);
    at::Tensor pattern = at::softmax(wide, -1).to(scores.scalar_type());
    pattern = visit(layer, AttentionPoint::Pattern, pattern);
    at::Tensor z = at::matmul(pattern, vh);
    return visit(layer, AttentionPoint::Z, z);
}

} // namespace qkov
