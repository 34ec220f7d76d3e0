#pragma once
// Statistics per (block, layer, head) (METRIC.md section 5), from pooled
// kernels K [n, n] (headKernel over task A's samples followed by task B's):
// S = mean_{i in A, j in B} K_ij, a label-permutation null, a two-way
// bootstrap CI, Benjamini-Hochberg q-values and flags. All in float64.
//
// The permutation null sums K over A x B for every relabelling: the sum
// splits over pairs of groups of 4 consecutive samples, and a table per pair
// holds its share for each of the 16 x 16 memberships, so a relabelling costs
// about (n / 4)^2 / 2 lookups instead of n^2 multiply-adds. Bootstrap sums
// with count weights a, b are a^T K b / (n_A n_B): per head one GEMM of the
// draws and a row-wise dot product. Heads run in parallel (at::parallel_for),
// each head's arithmetic on one thread in a fixed order, so results are
// bit-identical for any thread count.
//
// Randomness (platform- and thread-count independent): one std::mt19937_64
// per stream, seeded with std::seed_seq{seed mod 2^32, seed / 2^32, stream},
// stream 1 = permutations, stream 2 = bootstrap. Draws are made on the calling
// thread, in order, before any parallel arithmetic; an index below m is drawn
// by rejection (raw 64-bit outputs below the largest multiple of m, modulo m).
// The same draws are used for every head, so a head's results depend only on
// its own kernel, the sample counts and the seed.
#include <ATen/ATen.h>

#include <QString>

#include <cstdint>
#include <vector>

namespace qkov {

class JobContext;

enum class FdrFamily {
    Block, // all (layer, head) of one block (default)
    All    // all blocks jointly
};
QString fdrFamilyName(FdrFamily family); // "block", "all"
// Throws qkov::Error(where, ...) for any other name.
FdrFamily parseFdrFamily(const QString &name, const QString &where = QStringLiteral("--fdr-family"));

struct StatisticsSettings
{
    int permutations = 1000;
    int bootstrapResamples = 1000;
    double confidenceLevel = 0.95; // percentile interval
    quint64 seed = 0;
    double alpha = 0.05;           // flag when q < alpha ...
    double minEffect = 0.2;        // ... and |z| >= minEffect
    FdrFamily fdrFamily = FdrFamily::Block;
};

// Task-A indicator rows [count, n] (float64, nA ones per row) of `count`
// uniformly random relabellings of n pooled samples (group sizes kept),
// drawn from stream 1 of `seed`. Any relabelling may occur, the observed one
// included; none is treated specially.
at::Tensor permutationIndicators(int64_t n, int64_t nA, int count, quint64 seed);
// Resampling counts: [count, nA] and [count, nB] (float64, rows summing to
// nA and nB), A and B resampled independently with replacement, stream 2.
std::pair<at::Tensor, at::Tensor> bootstrapCounts(int64_t nA, int64_t nB, int count, quint64 seed);

// a^T K (1 - a) / (nA nB) for every indicator row a and every kernel:
// kernels [T, n, n], indicators [N, n] of 0 and 1 -> [T, N] float64. Throws
// qkov::Error for other entries.
at::Tensor labelledStatistics(const at::Tensor &kernels, const at::Tensor &indicatorsA, int64_t nA);

struct PermutationResult
{
    // All [T] float64; direction is +1 (above the null mean), -1 (below) or 0.
    at::Tensor statistic, nullMean, nullSd, pValue, z, ratio, direction;
};
// Two-sided permutation test of S for kernels [T, n, n] (task A = the first
// nA samples). p = (1 + #{|S* - mean*| >= |S - mean*|}) / (1 + N) with a
// relative tolerance of 1e-12 for rounding, z = (S - mean*) / sd* (sd* with
// N - 1; z = 0 when the null has no spread), ratio = S / mean* (NaN when
// mean* = 0). Throws qkov::Error for bad shapes or counts; checks `job` for
// cancellation between chunks.
PermutationResult permutationTest(const at::Tensor &kernels, int64_t nA, int permutations, quint64 seed,
                                  JobContext *job = nullptr);

struct BootstrapInterval
{
    at::Tensor low, high; // [T] float64
};
// Two-way percentile bootstrap of S = mean over the A x B block of kernels
// [T, n, n]; quantiles with linear interpolation (numpy's default).
BootstrapInterval bootstrapInterval(const at::Tensor &kernels, int64_t nA, int resamples, double level,
                                    quint64 seed, JobContext *job = nullptr);

// Benjamini-Hochberg step-up q-values, monotone in p, clipped at 1: equal to
// statsmodels' multipletests(p, method='fdr_bh')[1]. Throws qkov::Error when
// a p-value is not in [0, 1].
std::vector<double> benjaminiHochberg(const std::vector<double> &pValues);

// The statistics of one block, every tensor [L, H] (float64 unless said).
struct BlockStatistics
{
    at::Tensor statistic, nullMean, nullSd, pValue, qValue, z, ratio, ciLow, ciHigh;
    at::Tensor direction; // int8: +1 above the null mean, -1 below, 0 neither
    at::Tensor flagged;   // bool: q < alpha and |z| >= minEffect
};

// Everything for several blocks at once: blockKernels[b] = pooled kernels
// [L, H, n, n] of block b (task A = the first nA samples; all blocks the same
// n). The q-value family follows settings.fdrFamily.
std::vector<BlockStatistics> headStatistics(const std::vector<at::Tensor> &blockKernels, int64_t nA,
                                           const StatisticsSettings &settings, JobContext *job = nullptr);

} // namespace qkov
