#pragma once
// Reference arithmetic for the score tests: the interference score as the
// literal double loop of METRIC.md section 4 over sample pairs and slice
// entries, with the head slices spelled out per layout (independent of
// gatherHeadSlices).
#include "analysis/InterferenceScores.h"

#include <ATen/ATen.h>

#include <cmath>
#include <vector>

namespace qkov::test {

inline at::Tensor randomTensor(std::vector<int64_t> sizes, uint64_t seed, at::ScalarType type = at::kDouble)
{
    at::Generator generator = at::detail::createCPUGenerator(seed);
    return at::randn(sizes, generator, at::TensorOptions().dtype(type));
}

// A positive Fisher reference like the collector produces: pooled mean of
// C = g^2 with the relative ridge (METRIC.md section 2).
inline at::Tensor pooledFisher(const at::Tensor &gradA, const at::Tensor &gradB, double ridgeRel = 1e-3)
{
    const at::Tensor pooled = at::cat({gradA, gradB}, 0);
    const at::Tensor fisher = pooled.square().mean(0);
    return fisher.clamp_min(1e-30) + ridgeRel * fisher.mean().item<double>();
}

// Rows or columns of head h, listed as (row, col) pairs of the 2-D tensor.
inline std::vector<std::pair<int64_t, int64_t>> sliceEntries(const qkov::BlockSlice &slice, int64_t rows,
                                                              int64_t cols, int kvHead)
{
    std::vector<std::pair<int64_t, int64_t>> entries;
    const int64_t start = slice.starts[size_t(kvHead)];
    for (int64_t e = start; e < start + slice.headDim; ++e) {
        if (slice.axis == qkov::Axis::Rows) {
            for (int64_t c = 0; c < cols; ++c)
                entries.emplace_back(e, c);
        } else {
            for (int64_t r = 0; r < rows; ++r)
                entries.emplace_back(r, e);
        }
    }
    return entries;
}

// scores [nA, nB, H] by the definition: one pair, one head, one entry at a time.
inline at::Tensor directScores(const at::Tensor &gradA, const at::Tensor &gradB, const at::Tensor &fisher,
                               const qkov::BlockSlice &slice, int queryHeads, qkov::ScoreVariant variant)
{
    const at::Tensor a = gradA.to(at::kDouble).contiguous(), b = gradB.to(at::kDouble).contiguous();
    const at::Tensor f = fisher.to(at::kDouble).contiguous();
    const auto ga = a.accessor<double, 3>(), gb = b.accessor<double, 3>();
    const auto fi = f.accessor<double, 2>();
    const int64_t nA = a.size(0), nB = b.size(0), rows = f.size(0), cols = f.size(1);
    at::Tensor out = at::zeros({nA, nB, queryHeads}, at::kDouble);
    auto o = out.accessor<double, 3>();
    const int groupSize = queryHeads / slice.heads;
    for (int h = 0; h < queryHeads; ++h) {
        const auto entries = sliceEntries(slice, rows, cols, h / groupSize);
        for (int64_t i = 0; i < nA; ++i) {
            for (int64_t j = 0; j < nB; ++j) {
                double abAB = 0, abBA = 0, sgn = 0;
                for (const auto &[r, c] : entries) {
                    const double x = ga[i][r][c], y = gb[j][r][c], inv = 1.0 / fi[r][c];
                    abAB += x * x * inv * std::abs(y);
                    abBA += y * y * inv * std::abs(x);
                    sgn += x * y * inv;
                }
                switch (variant) {
                case qkov::ScoreVariant::Abs: o[i][j][h] = abAB; break;
                case qkov::ScoreVariant::Signed: o[i][j][h] = sgn; break;
                case qkov::ScoreVariant::Symmetric: o[i][j][h] = 0.5 * (abAB + abBA); break;
                }
            }
        }
    }
    return out;
}

inline double maxRelativeError(const at::Tensor &got, const at::Tensor &want)
{
    const at::Tensor w = want.to(at::kDouble), g = got.to(at::kDouble);
    const double scale = std::max(w.abs().max().item<double>(), 1e-300);
    return (g - w).abs().max().item<double>() / scale;
}

} // namespace qkov::test
