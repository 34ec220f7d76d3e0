#pragma once
// The empirical Fisher diagonal over the reference set R (METRIC.md 2) and
// its regularised form I_reg = max(I, eps) + lambda, lambda = ridge_rel *
// mean(I over the block) + ridge_abs, where a fused tensor's block is the
// block's own range inside it. Computed tensor by tensor from the gradient
// store, a bounded number of rows at a time, accumulated in float64.
#include "FisherSettings.h"
#include "structure/AttentionStructure.h"

#include <ATen/ATen.h>

#include <QString>
#include <QStringList>
#include <map>
#include <vector>

namespace qkov {

class GradientStore;
class JobContext;
struct CollectedTensor;
struct GradientCollection;

// One block's entries inside a tensor: indices along dimension `dim`.
struct FisherBlockRange
{
    int layer = 0;
    QString block;       // "Q", "K", "V", "O" (or "QKV" for a fused tensor the structure does not describe)
    int64_t dim = 0;
    at::Tensor indices;  // int64; undefined = the whole tensor
};

struct FisherBlockDiagnostics
{
    int layer = 0;
    QString block;
    QString tensor;
    bool bias = false;
    int64_t entries = 0;
    double min = 0, median = 0, max = 0, mean = 0; // of I over the block (median: lower median)
    double lambda = 0;
    double ridgeShare = 0; // share of the block's entries with lambda > I
};

struct FisherResult
{
    std::map<QString, at::Tensor> fisher;      // I, float32, stored layout
    std::map<QString, at::Tensor> regularized; // I_reg, float32
    std::vector<FisherBlockDiagnostics> blocks;
    int64_t referenceSamples = 0;
    QStringList warnings;
};

// The blocks of one collected tensor as the structure describes them (matched
// by tensor name); the whole tensor as one block when it does not.
std::vector<FisherBlockRange> fisherBlockRanges(const CollectedTensor &tensor, const ModelStructure &structure);

// sum_t w_t g_t^2 over `tasks` in order (each task's rows in store order):
// mean w_t = 1/n; ema w_t = (1-beta) beta^(n-t) / (1-beta^n), t = 1..n.
// Returns float64 in the stored layout.
at::Tensor fisherDiagonal(const GradientStore &store, const QString &tensor, const QStringList &tasks,
                          FisherMode mode, double beta, const JobContext *job = nullptr);

// I_reg (float64) and the per-block diagnostics of one tensor.
at::Tensor regularizeFisher(const at::Tensor &fisher, const std::vector<FisherBlockRange> &blocks,
                            const FisherSettings &settings, std::vector<FisherBlockDiagnostics> *diagnostics = nullptr);

// Everything above for every collected tensor. Throws JobCancelled on cancel.
FisherResult computeFisherReference(const GradientCollection &collection, const ModelStructure &structure,
                                    const FisherSettings &settings, JobContext *job = nullptr);

} // namespace qkov
