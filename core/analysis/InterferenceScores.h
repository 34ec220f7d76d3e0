#pragma once
// The QK-OV interference score (METRIC.md sections 3 and 4) for one
// (layer, block) at a time, from plain tensors: per-sample gradients of the
// block's weight tensor in the checkpoint's stored layout and the regularised
// Fisher reference I_reg of the same shape. Heads are scored with batched
// GEMMs over [H, n, P_h] operands, never with loops over pairs; the operands
// are prepared in cache-sized chunks of each head's entries straight from the
// gradients (ScoreKernels.h), so the work is dominated by the GEMMs.
#include "structure/AttentionStructure.h"

#include <ATen/ATen.h>

#include <QString>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace qkov {

enum class ScoreVariant {
    Abs,       // sum_p C_ip / I_p * |g_jp|               (default)
    Signed,    // sum_p g_ip g_jp / I_p                   (negative: the tasks pull apart)
    Symmetric  // (M(A,B) + M(B,A)^T) / 2, both from Abs; [n_A, n_B] for any n_A, n_B
};

QString scoreVariantName(ScoreVariant variant); // "abs", "signed", "symmetric"
// Throws qkov::Error(where, ...) for any other name.
ScoreVariant parseScoreVariant(const QString &name, const QString &where = QStringLiteral("--variant"));

// One operand's samples as consecutive blocks, each [n_k, *shape] (e.g. task
// A's rows, then task B's, as the gradient store holds them), any floating
// dtype: scored without concatenating or converting them first.
using SampleParts = std::vector<at::Tensor>;

struct ScoreOptions
{
    ScoreVariant variant = ScoreVariant::Abs;
    // Bound on one head's two prepared operands per GEMM step: each head's
    // entries are processed in windows of this size (cache-sized by default,
    // which keeps the operand preparation cheap and the GEMMs fed from
    // cache). A step holds at least one entry per head and sample, whatever
    // the bound. Only the grouping of the sums depends on it.
    int64_t chunkBytes = int64_t(1) << 20;
};

// The flattened entries of every query head's slice: values [n, *shape]
// (shape = slice's 2-D tensor shape) -> [queryHeads, n, P_h], P_h = headDim *
// (extent of the other axis). Under grouped-query attention (K/V slices with
// slice.heads = H_kv < queryHeads) query head h gets KV head
// h / (queryHeads / H_kv). Non-uniform starts are supported. Entries within
// P_h are in one fixed order, the same for every tensor of that shape.
// Throws qkov::Error(slice.tensor, ...) when the slice does not fit the tensor.
at::Tensor gatherHeadSlices(const at::Tensor &values, const BlockSlice &slice, int queryHeads);

// The pairwise kernel of one (layer, block) between two sample sets:
// left [nL, *shape], right [nR, *shape], fisherReg [*shape] (float32/float64,
// the result has the promoted type) -> [queryHeads, nL, nR] with
//   Abs:       K_h[i][j] = sum_{p in S(h)} left_ip^2 / I_p * |right_jp|
//   Signed:    K_h[i][j] = sum_{p in S(h)} left_ip right_jp / I_p
//   Symmetric: (Abs(left, right) + Abs(right, left)^T) / 2.
// With left = right = the pooled samples (task A first) this is the matrix K
// of METRIC.md section 5; with left = A, right = B it is the score matrix.
// Computed per KV head and then expanded, so group-mates are exactly equal.
// The arithmetic is float64 when any input is float64, else float32 (also
// for bfloat16 gradients); the GEMMs accumulate in that type. Passing the
// same tensor object (or the same parts) on both sides prepares both
// operands in one pass over the gradients.
// Throws qkov::Error for mismatched shapes or dtypes.
at::Tensor headKernel(const at::Tensor &left, const at::Tensor &right, const at::Tensor &fisherReg,
                      const BlockSlice &slice, int queryHeads, const ScoreOptions &options = {});
// The same with each side's samples given as parts (their concatenation).
at::Tensor headKernel(const SampleParts &left, const SampleParts &right, const at::Tensor &fisherReg,
                      const BlockSlice &slice, int queryHeads, const ScoreOptions &options = {});

// scores [n_A, n_B, queryHeads] of one (layer, block): headKernel(A, B) with
// the head axis moved last.
at::Tensor blockScores(const at::Tensor &gradA, const at::Tensor &gradB, const at::Tensor &fisherReg,
                       const BlockSlice &slice, int queryHeads, const ScoreOptions &options = {});

// The A x B part of a pooled kernel [H, n, n] (A = the first nA samples) as
// scores [n_A, n_B, H]: identical to blockScores on the same inputs.
at::Tensor scoresFromPooledKernel(const at::Tensor &pooledKernel, int64_t nA);

// heatmap [L, H] = mean over (i, j) of scores [n_A, n_B, L, H] (float64).
at::Tensor scoreHeatmap(const at::Tensor &scores);

struct Conflict
{
    int block = 0;       // index into the blocks given to topConflicts
    int64_t layer = 0;
    int64_t head = 0;
    int64_t sampleA = 0; // row index into task A's samples
    int64_t sampleB = 0;
    double score = 0.0;
};

// The k largest entries over every (block, layer, head, i, j) of
// blockScores[b] = scores [n_A, n_B, L, H], largest first; ties broken by
// (block, layer, head, sampleA, sampleB) ascending. Uses a partial sort per
// block (at::topk), so cost and memory stay O(numel + k).
std::vector<Conflict> topConflicts(const std::vector<at::Tensor> &blockScores, int64_t k);

} // namespace qkov
