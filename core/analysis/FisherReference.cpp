#include "FisherReference.h"

#include "Error.h"
#include "GradientCollector.h"
#include "GradientStore.h"
#include "jobs/JobContext.h"

#include <algorithm>
#include <cmath>

namespace qkov {

namespace {

// Rows per chunk: about 8M float64 values in flight, whatever the tensor size.
int64_t chunkRows(int64_t rowElements)
{
    return std::max<int64_t>(1, (int64_t(8) << 20) / std::max<int64_t>(1, rowElements));
}

at::Tensor sliceIndices(const BlockSlice &slice)
{
    std::vector<int64_t> indices;
    indices.reserve(slice.starts.size() * size_t(slice.headDim));
    for (int64_t start : slice.starts)
        for (int64_t i = 0; i < slice.headDim; ++i)
            indices.push_back(start + i);
    return at::tensor(indices, at::TensorOptions().dtype(at::kLong));
}

} // namespace

std::vector<FisherBlockRange> fisherBlockRanges(const CollectedTensor &tensor, const ModelStructure &structure)
{
    std::vector<FisherBlockRange> ranges;
    for (const AttentionLayer &layer : structure.layers) {
        const std::pair<const BlockSlice *, const char *> blocks[] = {
            {&layer.q, "Q"}, {&layer.k, "K"}, {&layer.v, "V"}, {&layer.o, "O"}};
        for (const auto &[slice, name] : blocks) {
            const bool weight = slice->tensor == tensor.name;
            const bool bias = !slice->bias.isEmpty() && slice->bias == tensor.name;
            if (!slice->isValid() || (!weight && !bias))
                continue;
            FisherBlockRange r;
            r.layer = layer.index;
            r.block = QString::fromLatin1(name);
            // A bias has one axis, indexed like the weight's head axis.
            r.dim = bias ? 0 : (slice->axis == Axis::Rows ? 0 : 1);
            r.indices = sliceIndices(*slice);
            const int64_t extent = r.dim < int64_t(tensor.shape.size()) ? tensor.shape[size_t(r.dim)] : 0;
            if (r.indices.numel() > 0 && r.indices.max().item<int64_t>() >= extent)
                throw Error(tensor.name, QStringLiteral("the %1 heads of layer %2 reach past the tensor's %3 entries along dimension %4.")
                                             .arg(r.block).arg(layer.index).arg(extent).arg(r.dim));
            ranges.push_back(std::move(r));
        }
    }
    if (ranges.empty()) {
        FisherBlockRange whole;
        whole.layer = tensor.layer;
        whole.block = tensor.block.toUpper();
        ranges.push_back(std::move(whole));
    }
    return ranges;
}

at::Tensor fisherDiagonal(const GradientStore &store, const QString &tensor, const QStringList &tasks,
                          FisherMode mode, double beta, const JobContext *job)
{
    int64_t n = 0;
    std::vector<int64_t> shape;
    for (const QString &task : tasks) {
        const GradientEntrySpec &spec = store.spec(task, tensor);
        n += spec.rows;
        shape = spec.shape;
    }
    if (n == 0)
        throw Error(tensor, QStringLiteral("the Fisher reference set has no samples."));
    int64_t rowElements = 1;
    for (int64_t d : shape)
        rowElements *= d;
    at::Tensor sum = at::zeros({rowElements}, at::TensorOptions().dtype(at::kDouble));
    const double logBeta = std::log(beta);
    const double ema0 = -std::expm1(double(n) * logBeta); // 1 - beta^n
    int64_t t0 = 0; // rows of R before this chunk
    for (const QString &task : tasks) {
        const int64_t rows = store.spec(task, tensor).rows;
        const int64_t step = chunkRows(rowElements);
        for (int64_t first = 0; first < rows; first += step) {
            if (job)
                job->checkCancelled();
            const int64_t count = std::min(step, rows - first);
            const at::Tensor g = store.readRows(task, tensor, first, count).reshape({count, rowElements}).to(at::kDouble);
            at::Tensor weights;
            if (mode == FisherMode::Mean) {
                weights = at::full({count}, 1.0 / double(n), g.options());
            } else {
                // t = t0+first+1 ..: w_t = (1-beta) beta^(n-t) / (1-beta^n)
                const at::Tensor t = at::arange(t0 + first + 1, t0 + first + count + 1, g.options());
                weights = (double(n) - t).mul(logBeta).exp().mul((1.0 - beta) / ema0);
            }
            sum.addmv_(g.square().t(), weights);
        }
        t0 += rows;
    }
    return sum.view(shape);
}

at::Tensor regularizeFisher(const at::Tensor &fisher, const std::vector<FisherBlockRange> &blocks,
                            const FisherSettings &settings, std::vector<FisherBlockDiagnostics> *diagnostics)
{
    const at::Tensor I = fisher.to(at::kDouble);
    at::Tensor reg = I.clamp_min(settings.epsilon);
    at::Tensor covered = at::zeros(I.sizes(), at::TensorOptions().dtype(at::kBool));
    for (const FisherBlockRange &r : blocks) {
        const at::Tensor values = r.indices.defined() ? I.index_select(r.dim, r.indices) : I;
        const double lambda = settings.ridgeRel * values.mean().item<double>() + settings.ridgeAbs;
        if (r.indices.defined()) {
            reg.index_add_(r.dim, r.indices, at::full_like(values, lambda));
            covered.index_fill_(r.dim, r.indices, true);
        } else {
            reg.add_(lambda);
            covered.fill_(true);
        }
        if (diagnostics) {
            FisherBlockDiagnostics d;
            d.layer = r.layer;
            d.block = r.block;
            d.entries = values.numel();
            d.min = values.min().item<double>();
            d.median = values.median().item<double>();
            d.max = values.max().item<double>();
            d.mean = values.mean().item<double>();
            d.lambda = lambda;
            d.ridgeShare = values.lt(lambda).to(at::kDouble).mean().item<double>();
            diagnostics->push_back(d);
        }
    }
    // Entries outside every described block (none for a consistent
    // structure) get the ridge of the whole tensor.
    const at::Tensor rest = covered.logical_not();
    if (rest.any().item<bool>())
        reg.masked_scatter_(rest, reg.masked_select(rest) + (settings.ridgeRel * I.mean().item<double>() + settings.ridgeAbs));
    return reg;
}

FisherResult computeFisherReference(const GradientCollection &collection, const ModelStructure &structure,
                                    const FisherSettings &settings, JobContext *job)
{
    settings.validate();
    if (!collection.store)
        throw Error(QStringLiteral("fisher"), QStringLiteral("no gradients have been collected."));
    QStringList tasks{GradientCollection::taskA()};
    if (settings.reference == FisherReferenceSet::Pooled)
        tasks << GradientCollection::taskB();
    FisherResult result;
    result.referenceSamples = collection.samplesA
                              + (settings.reference == FisherReferenceSet::Pooled ? collection.samplesB : 0);
    if (settings.reference == FisherReferenceSet::TaskA && settings.mode == FisherMode::Mean)
        result.warnings << QStringLiteral("With the Fisher reference on task A alone and the mean Fisher, the sample-averaged score degenerates to task B's gradient mass on each head slice, whatever task A is; the pooled reference avoids this.");
    if (job)
        job->setStage(QStringLiteral("Computing the Fisher reference"));
    for (size_t n = 0; n < collection.tensors.size(); ++n) {
        const CollectedTensor &t = collection.tensors[n];
        // Stored as float32: the ridge and the diagnostics use exactly the stored values.
        const at::Tensor I = fisherDiagonal(*collection.store, t.name, tasks, settings.mode, settings.beta, job)
                                 .to(at::kFloat);
        std::vector<FisherBlockDiagnostics> diagnostics;
        const at::Tensor reg = regularizeFisher(I, fisherBlockRanges(t, structure), settings, &diagnostics);
        for (FisherBlockDiagnostics &d : diagnostics) {
            d.tensor = t.name;
            d.bias = t.bias;
            result.blocks.push_back(d);
        }
        result.fisher[t.name] = I;
        result.regularized[t.name] = reg.to(at::kFloat);
        if (job)
            job->setProgress(qint64(n + 1), qint64(collection.tensors.size()));
    }
    return result;
}

} // namespace qkov
