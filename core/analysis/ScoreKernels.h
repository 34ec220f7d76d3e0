#pragma once
// The fused pairwise kernel behind headKernel (METRIC.md section 4), for
// already validated inputs. The slice entries of every KV head are walked in
// cache-sized windows whose runs are contiguous in memory (whole lines of a
// row slice; the head's full width over a range of rows for a column slice).
// Per window one pass over the gradients, in their stored precision and
// straight from the caller's tensors (no gather, no concatenation), writes
// both GEMM operands of every head, [n, entries] each:
//   abs:    left = g^2 / I_reg,  right = |g|
//   signed: left = g / I_reg,    right = g
// and one GEMM per head accumulates left . right^T into the result. Each
// gradient entry is read once per operand set (once in all when both sides
// are the same samples). Heads run in parallel, one group of consecutive
// heads per thread, each on buffers that stay in that core's cache.
#include "InterferenceScores.h"

namespace qkov::detail {

// [slice.heads, nLeft, nRight] in inverseFisher's dtype (float32 or float64,
// also the accumulation type). inverseFisher = 1 / I_reg, contiguous
// [rows, cols]. `right == nullptr` means the same samples as `left`, prepared
// in one pass. chunkBytes bounds one head's two prepared operands per step; a
// step holds at least one entry per head and sample, whatever the bound.
at::Tensor fusedKvKernel(const SampleParts &left, const SampleParts *right, const at::Tensor &inverseFisher,
                         const BlockSlice &slice, bool absVariant, int64_t chunkBytes);

} // namespace qkov::detail
