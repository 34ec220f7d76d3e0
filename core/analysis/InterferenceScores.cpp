#include "InterferenceScores.h"

#include "Error.h"
#include "ScoreKernels.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace qkov {

namespace {

QString shapeText(at::IntArrayRef sizes)
{
    QStringList parts;
    for (int64_t s : sizes)
        parts << QString::number(s);
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

void checkSlice(const BlockSlice &slice, at::IntArrayRef shape, int queryHeads)
{
    const QString where = slice.tensor.isEmpty() ? QStringLiteral("head slice") : slice.tensor;
    if (!slice.isValid() || slice.headDim <= 0)
        throw Error(where, QStringLiteral("the head slice is incomplete (heads, head size or starts missing)"));
    if (shape.size() != 2)
        throw Error(where, QStringLiteral("a head slice needs a 2-D weight tensor, got shape %1").arg(shapeText(shape)));
    if (queryHeads < slice.heads || queryHeads % slice.heads != 0)
        throw Error(where, QStringLiteral("%1 query heads cannot share %2 key/value heads evenly")
                               .arg(queryHeads).arg(slice.heads));
    const int64_t extent = shape[slice.axis == Axis::Rows ? 0 : 1];
    for (int64_t start : slice.starts) {
        if (start < 0 || start + slice.headDim > extent)
            throw Error(where, QStringLiteral("head %1 %2..%3 lies outside the tensor's %4 %5")
                                   .arg(axisName(slice.axis)).arg(start).arg(start + slice.headDim)
                                   .arg(extent).arg(axisName(slice.axis)));
    }
}

// Query head h -> KV head h / (H / H_kv) (never h % H_kv).
at::Tensor queryToKvMap(int queryHeads, int kvHeads)
{
    const int groupSize = queryHeads / kvHeads;
    return at::arange(queryHeads, at::kLong).div(groupSize, "floor");
}

// Every part must be [n_k, *fisherShape] and floating-point.
void checkParts(const SampleParts &parts, const at::Tensor &fisherReg, const QString &where)
{
    for (const at::Tensor &p : parts) {
        if (!p.defined() || !at::isFloatingType(p.scalar_type()) || p.is_complex())
            throw Error(where, QStringLiteral("gradients and Fisher reference must be floating-point tensors"));
        if (p.dim() != fisherReg.dim() + 1 || p.sizes().slice(1) != fisherReg.sizes())
            throw Error(where, QStringLiteral("gradient shape %1 does not match the Fisher reference %2")
                                   .arg(shapeText(p.sizes()), shapeText(fisherReg.sizes())));
    }
}

bool sameParts(const SampleParts &x, const SampleParts &y)
{
    if (x.size() != y.size())
        return false;
    for (size_t k = 0; k < x.size(); ++k) {
        if (!x[k].is_same(y[k]))
            return false;
    }
    return true;
}

} // namespace

QString scoreVariantName(ScoreVariant variant)
{
    switch (variant) {
    case ScoreVariant::Abs: return QStringLiteral("abs");
    case ScoreVariant::Signed: return QStringLiteral("signed");
    case ScoreVariant::Symmetric: return QStringLiteral("symmetric");
    }
    return {};
}

ScoreVariant parseScoreVariant(const QString &name, const QString &where)
{
    for (ScoreVariant v : {ScoreVariant::Abs, ScoreVariant::Signed, ScoreVariant::Symmetric}) {
        if (name == scoreVariantName(v))
            return v;
    }
    throw Error(where, QStringLiteral("unknown score variant '%1' (expected abs, signed or symmetric)").arg(name));
}

at::Tensor gatherHeadSlices(const at::Tensor &values, const BlockSlice &slice, int queryHeads)
{
    if (values.dim() != 3)
        throw Error(slice.tensor, QStringLiteral("per-sample values must be [n, rows, cols], got %1")
                                      .arg(shapeText(values.sizes())));
    checkSlice(slice, values.sizes().slice(1), queryHeads);
    const int64_t d = slice.headDim;
    const int groupSize = queryHeads / slice.heads;
    const int64_t n = values.size(0), rows = values.size(1), cols = values.size(2);
    const int64_t stride = slice.stride();
    if (stride >= d) {
        // Evenly spaced heads (split, fused, interleaved): a strided view
        // [n, heads, d, other] and one copy, much cheaper than index_select.
        const int dim = slice.axis == Axis::Rows ? 1 : 2;
        const int64_t other = dim == 1 ? cols : rows;
        const int64_t otherStride = values.stride(3 - dim);
        at::Tensor heads = values.as_strided({n, slice.heads, d, other},
                                             {values.stride(0), stride * values.stride(dim), values.stride(dim), otherStride},
                                             values.storage_offset() + slice.offset() * values.stride(dim));
        if (groupSize > 1)
            heads = heads.index_select(1, queryToKvMap(queryHeads, slice.heads));
        // Entry order within a head: Rows -> (line, col), Cols -> (row, line).
        heads = dim == 1 ? heads.permute({1, 0, 2, 3}) : heads.permute({1, 0, 3, 2});
        return heads.reshape({queryHeads, n, d * other});
    }
    std::vector<int64_t> lines;
    lines.reserve(size_t(queryHeads) * size_t(d));
    for (int h = 0; h < queryHeads; ++h) {
        const int64_t start = slice.starts[size_t(h / groupSize)];
        for (int64_t e = 0; e < d; ++e)
            lines.push_back(start + e);
    }
    const at::Tensor index = at::tensor(lines, at::kLong);
    if (slice.axis == Axis::Rows) {
        return values.index_select(1, index)
            .view({n, queryHeads, d, cols})
            .permute({1, 0, 2, 3})
            .reshape({queryHeads, n, d * cols});
    }
    return values.index_select(2, index)
        .view({n, rows, queryHeads, d})
        .permute({2, 0, 1, 3})
        .reshape({queryHeads, n, rows * d});
}

at::Tensor headKernel(const SampleParts &left, const SampleParts &right, const at::Tensor &fisherReg,
                      const BlockSlice &slice, int queryHeads, const ScoreOptions &options)
{
    const QString where = slice.tensor.isEmpty() ? QStringLiteral("head slice") : slice.tensor;
    if (!fisherReg.defined() || !at::isFloatingType(fisherReg.scalar_type()) || fisherReg.is_complex())
        throw Error(where, QStringLiteral("gradients and Fisher reference must be floating-point tensors"));
    checkParts(left, fisherReg, where);
    checkParts(right, fisherReg, where);
    checkSlice(slice, fisherReg.sizes(), queryHeads);

    // float32 stays float32 (also for bfloat16 gradients); float64 anywhere
    // promotes the arithmetic to float64. The gradients keep their own dtype:
    // the kernel converts them while preparing its operands.
    bool anyDouble = fisherReg.scalar_type() == at::kDouble;
    for (const SampleParts *parts : {&left, &right}) {
        for (const at::Tensor &p : *parts)
            anyDouble = anyDouble || p.scalar_type() == at::kDouble;
    }
    const at::ScalarType type = anyDouble ? at::kDouble : at::kFloat;
    const at::Tensor sliceFisher = gatherHeadSlices(fisherReg.unsqueeze(0), slice, slice.heads);
    // min/max propagate NaN, so NaN fails the first test.
    if (!(sliceFisher.min().item<double>() > 0) || !std::isfinite(sliceFisher.max().item<double>()))
        throw Error(where, QStringLiteral("the regularised Fisher reference has entries that are not positive and finite"));
    // 1 / I_reg once per block, so that preparing an operand is multiplications only.
    const at::Tensor inverseFisher = fisherReg.to(at::kDouble).reciprocal().to(type).contiguous();

    const bool same = sameParts(left, right);
    const int64_t chunk = options.chunkBytes;
    at::Tensor kernel;
    if (options.variant == ScoreVariant::Symmetric) {
        const at::Tensor forward = detail::fusedKvKernel(left, same ? nullptr : &right, inverseFisher, slice, true, chunk);
        const at::Tensor backward = same ? forward : detail::fusedKvKernel(right, &left, inverseFisher, slice, true, chunk);
        kernel = (forward + backward.transpose(1, 2)).mul_(0.5);
    } else {
        kernel = detail::fusedKvKernel(left, same ? nullptr : &right, inverseFisher, slice,
                                       options.variant == ScoreVariant::Abs, chunk);
    }
    if (queryHeads != slice.heads)
        kernel = kernel.index_select(0, queryToKvMap(queryHeads, slice.heads));
    return kernel;
}

at::Tensor headKernel(const at::Tensor &left, const at::Tensor &right, const at::Tensor &fisherReg,
                      const BlockSlice &slice, int queryHeads, const ScoreOptions &options)
{
    // One tensor object on both sides stays "the same samples" (one pass).
    return headKernel(SampleParts{left}, SampleParts{right}, fisherReg, slice, queryHeads, options);
}

at::Tensor blockScores(const at::Tensor &gradA, const at::Tensor &gradB, const at::Tensor &fisherReg,
                       const BlockSlice &slice, int queryHeads, const ScoreOptions &options)
{
    return headKernel(gradA, gradB, fisherReg, slice, queryHeads, options).permute({1, 2, 0}).contiguous();
}

at::Tensor scoresFromPooledKernel(const at::Tensor &pooledKernel, int64_t nA)
{
    if (pooledKernel.dim() != 3 || pooledKernel.size(1) != pooledKernel.size(2) || nA < 0
        || nA > pooledKernel.size(1))
        throw Error(QStringLiteral("pooled kernel"),
                    QStringLiteral("expected [heads, n, n] with n >= %1, got %2").arg(nA).arg(shapeText(pooledKernel.sizes())));
    const int64_t n = pooledKernel.size(1);
    return pooledKernel.narrow(1, 0, nA).narrow(2, nA, n - nA).permute({1, 2, 0}).contiguous();
}

at::Tensor scoreHeatmap(const at::Tensor &scores)
{
    if (scores.dim() < 3)
        throw Error(QStringLiteral("scores"), QStringLiteral("expected [n_A, n_B, ...], got %1").arg(shapeText(scores.sizes())));
    return scores.to(at::kDouble).mean(at::IntArrayRef{0, 1});
}

std::vector<Conflict> topConflicts(const std::vector<at::Tensor> &blockScores, int64_t k)
{
    std::vector<Conflict> found;
    if (k <= 0)
        return found;
    for (size_t b = 0; b < blockScores.size(); ++b) {
        const at::Tensor &scores = blockScores[b];
        if (scores.dim() != 4)
            throw Error(QStringLiteral("scores"),
                        QStringLiteral("expected [n_A, n_B, layers, heads], got %1").arg(shapeText(scores.sizes())));
        const at::Tensor flat = scores.to(at::kDouble).reshape({-1});
        const int64_t take = std::min<int64_t>(k, flat.numel());
        if (take == 0)
            continue;
        // Partial sort, then every entry tied with the k-th value so that the
        // tie-break below is deterministic.
        const double threshold = std::get<0>(at::topk(flat, take)).min().item<double>();
        const at::Tensor positions = at::nonzero(flat >= threshold).reshape({-1});
        const auto pos = positions.accessor<int64_t, 1>();
        const auto value = flat.accessor<double, 1>();
        const int64_t nB = scores.size(1), layers = scores.size(2), heads = scores.size(3);
        for (int64_t c = 0; c < positions.numel(); ++c) {
            const int64_t p = pos[c];
            Conflict conflict;
            conflict.block = int(b);
            conflict.head = p % heads;
            conflict.layer = (p / heads) % layers;
            conflict.sampleB = (p / (heads * layers)) % nB;
            conflict.sampleA = p / (heads * layers * nB);
            conflict.score = value[p];
            found.push_back(conflict);
        }
    }
    const auto key = [](const Conflict &c) {
        return std::make_tuple(-c.score, c.block, c.layer, c.head, c.sampleA, c.sampleB);
    };
    std::sort(found.begin(), found.end(), [&](const Conflict &x, const Conflict &y) { return key(x) < key(y); });
    if (int64_t(found.size()) > k)
        found.resize(size_t(k));
    return found;
}

} // namespace qkov
