#include "Statistics.h"

#include "Error.h"
#include "jobs/JobContext.h"

#include <ATen/Parallel.h>

// One thread per head; Eigen must not start its own.
#define EIGEN_DONT_PARALLELIZE
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace qkov {

namespace {

const QString kWhere = QStringLiteral("statistics");
constexpr uint32_t kPermutationStream = 1;
constexpr uint32_t kBootstrapStream = 2;
// Bounds the [count, n] draw matrices whatever a setting says.
constexpr int kMaxDraws = 100000;

std::mt19937_64 streamEngine(quint64 seed, uint32_t stream)
{
    std::seed_seq sequence{uint32_t(seed & 0xffffffffu), uint32_t(seed >> 32), stream};
    return std::mt19937_64(sequence);
}

// Uniform in [0, m): raw outputs below the largest multiple of m, modulo m
// (std::uniform_int_distribution differs between standard libraries).
uint64_t drawBelow(std::mt19937_64 &engine, uint64_t m)
{
    const uint64_t remainder = (std::numeric_limits<uint64_t>::max() % m + 1) % m; // 2^64 mod m
    uint64_t x = engine();
    while (remainder != 0 && x > std::numeric_limits<uint64_t>::max() - remainder)
        x = engine();
    return x % m;
}

void checkGroups(int64_t n, int64_t nA)
{
    if (nA < 1 || nA >= n)
        throw Error(kWhere, QStringLiteral("both tasks need at least one sample (n = %1, n_A = %2)").arg(n).arg(nA));
}

void checkCount(int count, const QString &what)
{
    if (count < 1 || count > kMaxDraws)
        throw Error(kWhere, QStringLiteral("the number of %1 must be between 1 and %2, got %3")
                                .arg(what).arg(kMaxDraws).arg(count));
}

at::Tensor checkedKernels(const at::Tensor &kernels, int64_t nA)
{
    if (!kernels.defined() || kernels.dim() != 3 || kernels.size(1) != kernels.size(2))
        throw Error(kWhere, QStringLiteral("kernels must be [tests, n, n]"));
    checkGroups(kernels.size(1), nA);
    const at::Tensor k = kernels.to(at::kDouble).contiguous();
    if (!k.isfinite().all().item<bool>())
        throw Error(kWhere, QStringLiteral("the pooled kernels contain non-finite values"));
    return k;
}

// Rows of the draw matrices multiplied at once: bounds the per-thread
// temporary [rows, c] whatever the number of draws.
constexpr int64_t kDrawRowsPerGemm = 1024;
// Heads per parallel batch; cancellation is checked between batches.
constexpr int64_t kTestsPerBatch = 32;

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstRowMap = Eigen::Map<const RowMatrix>;

// sum_{i,j} left[k,i] blocks[t,i,j] right[k,j] for every test t and draw k:
// blocks [T, r, c], left [N, r], right [N, c] -> [T, N]. Per test one GEMM
// [N, r] x [r, c] and a row-wise dot product, always on one thread with
// Eigen's fixed blocking, so the values do not depend on the thread count
// (OpenBLAS's do: its split across threads changes the rounding).
at::Tensor weightedBlockSums(const at::Tensor &blocks, const at::Tensor &left, const at::Tensor &right,
                             JobContext *job)
{
    const int64_t tests = blocks.size(0), r = blocks.size(1), c = blocks.size(2), draws = left.size(0);
    const at::Tensor blockData = blocks.contiguous(), leftData = left.contiguous(), rightData = right.contiguous();
    const ConstRowMap leftRows(leftData.data_ptr<double>(), draws, r);
    const ConstRowMap rightRows(rightData.data_ptr<double>(), draws, c);
    at::Tensor result = at::empty({tests, draws}, at::kDouble);
    double *out = result.data_ptr<double>();
    for (int64_t t0 = 0; t0 < tests; t0 += kTestsPerBatch) {
        if (job)
            job->checkCancelled();
        at::parallel_for(t0, std::min(tests, t0 + kTestsPerBatch), 1, [&](int64_t begin, int64_t end) {
            RowMatrix products;
            for (int64_t t = begin; t < end; ++t) {
                const ConstRowMap block(blockData.data_ptr<double>() + t * r * c, r, c);
                for (int64_t k0 = 0; k0 < draws; k0 += kDrawRowsPerGemm) {
                    const int64_t rows = std::min(kDrawRowsPerGemm, draws - k0);
                    products.noalias() = leftRows.middleRows(k0, rows) * block;
                    for (int64_t k = 0; k < rows; ++k)
                        out[t * draws + k0 + k] = products.row(k).dot(rightRows.row(k0 + k));
                }
            }
        });
    }
    return result;
}

// Labellings as codes of kCodeBits consecutive samples each (bit i set when
// sample g * kCodeBits + i is in task A), group-major: codes[g * count + k].
constexpr int kCodeBits = 4, kCodeValues = 1 << kCodeBits;
constexpr int kLowestMember[kCodeValues] = {0, 0, 1, 0, 2, 0, 1, 0, 3, 0, 1, 0, 2, 0, 1, 0};

struct LabelCodes
{
    int64_t n = 0, count = 0, groups = 0;
    std::vector<uint8_t> codes;
};

// Throws when an entry is not 0 or 1.
LabelCodes labelCodesOf(const at::Tensor &indicators)
{
    const at::Tensor rows = indicators.to(at::kDouble).contiguous();
    LabelCodes c;
    c.count = rows.size(0), c.n = rows.size(1), c.groups = (c.n + kCodeBits - 1) / kCodeBits;
    c.codes.assign(size_t(c.groups * c.count), 0);
    const double *x = rows.data_ptr<double>();
    for (int64_t k = 0; k < c.count; ++k) {
        for (int64_t i = 0; i < c.n; ++i) {
            const double v = x[k * c.n + i];
            if (v != 0.0 && v != 1.0)
                throw Error(kWhere, QStringLiteral("indicator rows must hold only 0 and 1, got %1").arg(v));
            if (v == 1.0)
                c.codes[size_t((i / kCodeBits) * c.count + k)] |= uint8_t(1u << (i % kCodeBits));
        }
    }
    return c;
}

// table[c * kCodeValues + d] = sum_{i in c, j in d} K[p0 + i, q0 + j] over
// the subsets c (of rows p0 ..) and d (of columns q0 ..), each subset's sum
// extending a smaller one by its lowest member.
void subsetSums(const double *k, int64_t n, int64_t p0, int rowCount, int64_t q0, int colCount, double *table)
{
    double rowSums[kCodeValues * kCodeBits]; // [c][j]: sum over rows in c of K[., q0 + j]
    std::fill(rowSums, rowSums + colCount, 0.0);
    for (int c = 1; c < (1 << rowCount); ++c) {
        const double *smaller = rowSums + (c & (c - 1)) * kCodeBits;
        const double *row = k + (p0 + kLowestMember[c]) * n + q0;
        for (int j = 0; j < colCount; ++j)
            rowSums[c * kCodeBits + j] = smaller[j] + row[j];
    }
    for (int c = 0; c < (1 << rowCount); ++c) {
        double *sums = table + c * kCodeValues;
        const double *r = rowSums + c * kCodeBits;
        sums[0] = 0.0;
        for (int d = 1; d < (1 << colCount); ++d)
            sums[d] = sums[d & (d - 1)] + r[kLowestMember[d]];
    }
}

// sum_{i in A, j not in A} K_ij of one kernel [n, n] for every labelling.
// The sum splits over pairs of code groups (p, q); per pair a table over
// both groups' codes holds the pair's share for every (code_p, code_q), so a
// labelling costs one lookup per pair: ~(n / 4)^2 / 2 additions instead of
// the n^2 multiply-adds of a^T K (1 - a). Every labelling's sum is taken in
// the same order, so equal labellings give equal sums.
void labelledSumsOfKernel(const double *k, const LabelCodes &labels, double *out)
{
    const int64_t n = labels.n, count = labels.count;
    double forward[kCodeValues * kCodeValues], backward[kCodeValues * kCodeValues];
    double share[kCodeValues * kCodeValues];
    std::fill(out, out + count, 0.0);
    for (int64_t p = 0; p < labels.groups; ++p) {
        const int pCount = int(std::min<int64_t>(kCodeBits, n - p * kCodeBits)), pAll = (1 << pCount) - 1;
        const uint8_t *pCodes = labels.codes.data() + p * count;
        for (int64_t q = 0; q < p; ++q) {
            const int qCount = kCodeBits, qAll = kCodeValues - 1; // only the last group is short
            const uint8_t *qCodes = labels.codes.data() + q * count;
            subsetSums(k, n, p * kCodeBits, pCount, q * kCodeBits, qCount, forward);
            subsetSums(k, n, q * kCodeBits, qCount, p * kCodeBits, pCount, backward);
            for (int c = 0; c <= pAll; ++c)
                for (int d = 0; d <= qAll; ++d)
                    share[c * kCodeValues + d] = forward[c * kCodeValues + (qAll ^ d)]
                                                 + backward[d * kCodeValues + (pAll ^ c)];
            for (int64_t s = 0; s < count; ++s)
                out[s] += share[pCodes[s] * kCodeValues + qCodes[s]];
        }
        subsetSums(k, n, p * kCodeBits, pCount, p * kCodeBits, pCount, forward);
        for (int c = 0; c <= pAll; ++c)
            share[c] = forward[c * kCodeValues + (pAll ^ c)];
        for (int64_t s = 0; s < count; ++s)
            out[s] += share[pCodes[s]];
    }
}

// labelledSumsOfKernel for kernels [T, n, n] -> [T, count]; kernels in
// parallel, each on one thread, so the values do not depend on the thread count.
at::Tensor labelledSums(const at::Tensor &kernels, const LabelCodes &labels, JobContext *job)
{
    const int64_t tests = kernels.size(0), n = kernels.size(1);
    const at::Tensor data = kernels.contiguous();
    at::Tensor result = at::empty({tests, labels.count}, at::kDouble);
    double *out = result.data_ptr<double>();
    for (int64_t t0 = 0; t0 < tests; t0 += kTestsPerBatch) {
        if (job)
            job->checkCancelled();
        at::parallel_for(t0, std::min(tests, t0 + kTestsPerBatch), 1, [&](int64_t begin, int64_t end) {
            for (int64_t t = begin; t < end; ++t)
                labelledSumsOfKernel(data.data_ptr<double>() + t * n * n, labels, out + t * labels.count);
        });
    }
    return result;
}

PermutationResult permutationFromIndicators(const at::Tensor &kernels, int64_t nA, const at::Tensor &draws,
                                            JobContext *job)
{
    const int64_t tests = kernels.size(0), n = kernels.size(1);
    const int64_t count = draws.size(0);
    // The observed labelling goes through the same arithmetic as the null
    // (row 0) but is not part of the null distribution.
    at::Tensor observed = at::zeros({1, n}, at::kDouble);
    observed.narrow(1, 0, nA).fill_(1.0);
    const at::Tensor sums = labelledSums(kernels, labelCodesOf(at::cat({observed, draws}, 0)), job)
                                .div_(double(nA) * double(n - nA));
    const auto stat = sums.accessor<double, 2>();

    PermutationResult result;
    for (at::Tensor *t : {&result.statistic, &result.nullMean, &result.nullSd, &result.pValue, &result.z,
                          &result.ratio, &result.direction})
        *t = at::empty({tests}, at::kDouble);
    for (int64_t t = 0; t < tests; ++t) {
        const double s = stat[t][0];
        double mean = 0.0;
        for (int64_t k = 1; k <= count; ++k)
            mean += stat[t][k];
        mean /= double(count);
        double squares = 0.0;
        for (int64_t k = 1; k <= count; ++k)
            squares += (stat[t][k] - mean) * (stat[t][k] - mean);
        const double sd = count > 1 ? std::sqrt(squares / double(count - 1)) : 0.0;
        // Rounding of sums of the same entries in another order must not decide a tie.
        const double tolerance = 1e-12 * (std::abs(s) + std::abs(mean));
        const double shift = s - mean;
        int64_t extreme = 0;
        for (int64_t k = 1; k <= count; ++k)
            extreme += std::abs(stat[t][k] - mean) >= std::abs(shift) - tolerance ? 1 : 0;
        result.statistic[t] = s;
        result.nullMean[t] = mean;
        result.nullSd[t] = sd;
        result.pValue[t] = double(1 + extreme) / double(1 + count);
        result.direction[t] = shift > tolerance ? 1.0 : (shift < -tolerance ? -1.0 : 0.0);
        result.z[t] = sd > tolerance ? shift / sd : 0.0;
        result.ratio[t] = mean != 0.0 ? s / mean : std::numeric_limits<double>::quiet_NaN();
    }
    return result;
}

// numpy's default (linear) percentile of sorted values.
double sortedQuantile(const std::vector<double> &sorted, double q)
{
    const double position = q * double(sorted.size() - 1);
    const size_t below = size_t(std::floor(position));
    const size_t above = std::min(below + 1, sorted.size() - 1);
    return sorted[below] + (position - double(below)) * (sorted[above] - sorted[below]);
}

BootstrapInterval bootstrapFromCounts(const at::Tensor &kernels, int64_t nA, const at::Tensor &countsA,
                                      const at::Tensor &countsB, double level, JobContext *job)
{
    const int64_t tests = kernels.size(0), n = kernels.size(1), nB = n - nA;
    const at::Tensor cross = kernels.narrow(1, 0, nA).narrow(2, nA, nB);
    const at::Tensor resampled = weightedBlockSums(cross, countsA, countsB, job).div_(double(nA) * double(nB));
    const auto values = resampled.accessor<double, 2>();
    BootstrapInterval interval{at::empty({tests}, at::kDouble), at::empty({tests}, at::kDouble)};
    std::vector<double> sorted(size_t(resampled.size(1)));
    for (int64_t t = 0; t < tests; ++t) {
        for (size_t k = 0; k < sorted.size(); ++k)
            sorted[k] = values[t][int64_t(k)];
        std::sort(sorted.begin(), sorted.end());
        interval.low[t] = sortedQuantile(sorted, (1.0 - level) / 2.0);
        interval.high[t] = sortedQuantile(sorted, (1.0 + level) / 2.0);
    }
    return interval;
}

void checkLevel(double level)
{
    if (!(level > 0.0 && level < 1.0))
        throw Error(kWhere, QStringLiteral("the confidence level must be between 0 and 1, got %1").arg(level));
}

} // namespace

at::Tensor permutationIndicators(int64_t n, int64_t nA, int count, quint64 seed)
{
    checkGroups(n, nA);
    checkCount(count, QStringLiteral("permutations"));
    std::mt19937_64 engine = streamEngine(seed, kPermutationStream);
    at::Tensor indicators = at::zeros({count, n}, at::kDouble);
    auto rows = indicators.accessor<double, 2>();
    std::vector<int64_t> order(static_cast<size_t>(n));
    for (int k = 0; k < count; ++k) {
        // Partial Fisher-Yates: the first nA places of a uniform shuffle.
        std::iota(order.begin(), order.end(), int64_t(0));
        for (int64_t i = 0; i < nA; ++i) {
            const int64_t j = i + int64_t(drawBelow(engine, uint64_t(n - i)));
            std::swap(order[size_t(i)], order[size_t(j)]);
            rows[k][order[size_t(i)]] = 1.0;
        }
    }
    return indicators;
}

std::pair<at::Tensor, at::Tensor> bootstrapCounts(int64_t nA, int64_t nB, int count, quint64 seed)
{
    checkGroups(nA + nB, nA);
    checkCount(count, QStringLiteral("bootstrap resamples"));
    std::mt19937_64 engine = streamEngine(seed, kBootstrapStream);
    at::Tensor countsA = at::zeros({count, nA}, at::kDouble);
    at::Tensor countsB = at::zeros({count, nB}, at::kDouble);
    auto a = countsA.accessor<double, 2>();
    auto b = countsB.accessor<double, 2>();
    for (int k = 0; k < count; ++k) {
        for (int64_t i = 0; i < nA; ++i)
            a[k][int64_t(drawBelow(engine, uint64_t(nA)))] += 1.0;
        for (int64_t j = 0; j < nB; ++j)
            b[k][int64_t(drawBelow(engine, uint64_t(nB)))] += 1.0;
    }
    return {countsA, countsB};
}

at::Tensor labelledStatistics(const at::Tensor &kernels, const at::Tensor &indicatorsA, int64_t nA)
{
    const at::Tensor k = checkedKernels(kernels, nA);
    if (indicatorsA.dim() != 2 || indicatorsA.size(1) != k.size(1))
        throw Error(kWhere, QStringLiteral("indicator rows must be [count, n] with n = %1").arg(k.size(1)));
    return labelledSums(k, labelCodesOf(indicatorsA), nullptr).div_(double(nA) * double(k.size(1) - nA));
}

PermutationResult permutationTest(const at::Tensor &kernels, int64_t nA, int permutations, quint64 seed,
                                  JobContext *job)
{
    const at::Tensor k = checkedKernels(kernels, nA);
    return permutationFromIndicators(k, nA, permutationIndicators(k.size(1), nA, permutations, seed), job);
}

BootstrapInterval bootstrapInterval(const at::Tensor &kernels, int64_t nA, int resamples, double level,
                                    quint64 seed, JobContext *job)
{
    checkLevel(level);
    const at::Tensor k = checkedKernels(kernels, nA);
    const auto counts = bootstrapCounts(nA, k.size(1) - nA, resamples, seed);
    return bootstrapFromCounts(k, nA, counts.first, counts.second, level, job);
}

std::vector<BlockStatistics> headStatistics(const std::vector<at::Tensor> &blockKernels, int64_t nA,
                                           const StatisticsSettings &settings, JobContext *job)
{
    std::vector<BlockStatistics> blocks;
    if (blockKernels.empty())
        return blocks;
    checkLevel(settings.confidenceLevel);
    const int64_t n = blockKernels.front().dim() == 4 ? blockKernels.front().size(2) : -1;
    for (const at::Tensor &kernels : blockKernels) {
        if (!kernels.defined() || kernels.dim() != 4 || kernels.size(2) != n || kernels.size(3) != n)
            throw Error(kWhere, QStringLiteral("every block needs pooled kernels [layers, heads, n, n] with one n"));
    }
    checkGroups(n, nA);
    // One set of draws for every block: a head's results do not depend on
    // which other heads are analysed alongside.
    const at::Tensor draws = permutationIndicators(n, nA, settings.permutations, settings.seed);
    const auto counts = bootstrapCounts(nA, n - nA, settings.bootstrapResamples, settings.seed);

    for (size_t b = 0; b < blockKernels.size(); ++b) {
        if (job)
            job->setProgress(qint64(b), qint64(blockKernels.size()));
        const at::Tensor &kernels = blockKernels[b];
        const int64_t layers = kernels.size(0), heads = kernels.size(1);
        const at::Tensor flat = checkedKernels(kernels.reshape({layers * heads, n, n}), nA);
        const PermutationResult perm = permutationFromIndicators(flat, nA, draws, job);
        const BootstrapInterval ci = bootstrapFromCounts(flat, nA, counts.first, counts.second,
                                                         settings.confidenceLevel, job);
        const auto grid = [&](const at::Tensor &t) { return t.reshape({layers, heads}).contiguous(); };
        BlockStatistics stats;
        stats.statistic = grid(perm.statistic);
        stats.nullMean = grid(perm.nullMean);
        stats.nullSd = grid(perm.nullSd);
        stats.pValue = grid(perm.pValue);
        stats.z = grid(perm.z);
        stats.ratio = grid(perm.ratio);
        stats.direction = grid(perm.direction).to(at::kChar);
        stats.ciLow = grid(ci.low);
        stats.ciHigh = grid(ci.high);
        blocks.push_back(stats);
    }

    // q-values per family, then the flags.
    const auto pVector = [](const at::Tensor &p) {
        const at::Tensor c = p.contiguous();
        return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
    };
    const auto qTensor = [](const double *q, const at::Tensor &shapeOf) {
        return at::from_blob(const_cast<double *>(q), shapeOf.sizes(), at::kDouble).clone();
    };
    if (settings.fdrFamily == FdrFamily::All) {
        std::vector<double> all;
        for (const BlockStatistics &s : blocks) {
            const std::vector<double> p = pVector(s.pValue);
            all.insert(all.end(), p.begin(), p.end());
        }
        const std::vector<double> q = benjaminiHochberg(all);
        size_t offset = 0;
        for (BlockStatistics &s : blocks) {
            s.qValue = qTensor(q.data() + offset, s.pValue);
            offset += size_t(s.pValue.numel());
        }
    } else {
        for (BlockStatistics &s : blocks)
            s.qValue = qTensor(benjaminiHochberg(pVector(s.pValue)).data(), s.pValue);
    }
    for (BlockStatistics &s : blocks)
        s.flagged = s.qValue.lt(settings.alpha).logical_and(s.z.abs().ge(settings.minEffect));
    if (job)
        job->setProgress(1.0);
    return blocks;
}

} // namespace qkov
