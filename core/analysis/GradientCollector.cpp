#include "GradientCollector.h"

#include "Error.h"
#include "PerSampleGradients.h"
#include "data/TaskDataset.h"
#include "engine/CpuMemoryMeter.h"
#include "engine/TransformerModel.h"
#include "jobs/JobContext.h"

#include <algorithm>

namespace qkov {

std::pair<at::Tensor, at::Tensor> sampleBatch(const std::vector<TaskSample> &samples, size_t first,
                                              size_t count)
{
    int64_t longest = 0;
    for (size_t i = first; i < first + count; ++i)
        longest = std::max<int64_t>(longest, int64_t(samples[i].tokens.size()));
    const auto options = at::TensorOptions().dtype(at::kLong);
    at::Tensor tokens = at::zeros({int64_t(count), longest}, options);
    at::Tensor mask = at::zeros({int64_t(count), longest}, options);
    auto t = tokens.accessor<int64_t, 2>();
    auto m = mask.accessor<int64_t, 2>();
    for (size_t b = 0; b < count; ++b) {
        const std::vector<int> &ids = samples[first + b].tokens;
        for (size_t p = 0; p < ids.size(); ++p) {
            t[int64_t(b)][int64_t(p)] = ids[p];
            m[int64_t(b)][int64_t(p)] = 1;
        }
    }
    return {tokens, mask};
}

namespace {

// One buffer for the gradients that cannot be formed in the store's memory
// (spilled entries, a storage dtype other than the engine's): reused for every
// tensor and batch, so its pages are faulted in once.
class ScratchRows
{
public:
    at::Tensor rows(const PerSampleTensor &t, int64_t batch, at::ScalarType dtype)
    {
        std::vector<int64_t> shape{batch};
        shape.insert(shape.end(), t.shape.begin(), t.shape.end());
        int64_t numel = 1;
        for (int64_t d : shape)
            numel *= d;
        if (!m_buffer.defined() || m_buffer.scalar_type() != dtype || m_buffer.numel() < numel)
            m_buffer = at::empty({numel}, at::TensorOptions().dtype(dtype));
        return m_buffer.narrow(0, 0, numel).view(shape);
    }

private:
    at::Tensor m_buffer;
};

// Positions (padded) of the batch that starts at `first`.
int64_t batchPositions(const std::vector<TaskSample> &samples, size_t first, size_t count)
{
    size_t longest = 0;
    for (size_t i = first; i < first + count; ++i)
        longest = std::max(longest, samples[i].tokens.size());
    return int64_t(count * longest);
}

int64_t largestBatchPositions(const TaskDataset &data, int batchSize)
{
    int64_t largest = 0;
    for (size_t first = 0; first < data.samples.size(); first += size_t(batchSize))
        largest = std::max(largest, batchPositions(data.samples, first,
                                                   std::min(data.samples.size() - first, size_t(batchSize))));
    return largest;
}

// The store is created when the first gradient is about to be formed: the
// first batch's forward and backward are then over, and their peak (tensor
// memory above what was in use before the batch) is one batch's working set.
struct StoreCreation
{
    std::function<void(const std::vector<CollectedTensor> &, qint64 workingSet)> create;
    std::vector<CollectedTensor> tensors; // what the engine captures
    int64_t largestPositions = 0;         // of any batch of either task
    qint64 baseBytes = 0;                 // tensor memory in use before the first batch
    bool metered = false;
};

void collectTask(TransformerModel &model, const TaskDataset &data, const QString &task,
                 const FisherSettings &settings, JobContext *job, const InterventionTable *interventions,
                 GradientCollection &out, StoreCreation &creation, at::Tensor &losses)
{
    const size_t n = data.samples.size();
    losses = at::zeros({int64_t(n)}, at::TensorOptions().dtype(at::kDouble));
    ScratchRows scratch;
    size_t first = 0;
    PerSampleOptions options;
    options.includeBias = settings.includeBias;
    options.job = job;
    options.interventions = interventions;
    // The first forward pass tells what the engine captures; the store follows
    // before any gradient is formed, so that every gradient is formed
    // straight into its place.
    options.layout = [&](const std::vector<PerSampleTensor> &tensors) {
        if (!creation.tensors.empty()) {
            bool same = tensors.size() == creation.tensors.size();
            for (size_t i = 0; same && i < tensors.size(); ++i)
                same = tensors[i].tensor == creation.tensors[i].name && tensors[i].shape == creation.tensors[i].shape;
            if (!same)
                throw Error(data.path, QStringLiteral("the engine captured different attention tensors for sample %1 than before.")
                                           .arg(data.samples[first].id));
            return;
        }
        for (const PerSampleTensor &t : tensors)
            creation.tensors.push_back({t.tensor, t.layer, t.block, t.bias, t.shape});
    };
    auto ensureStore = [&](int64_t batch, at::ScalarType dtype) {
        if (out.store)
            return;
        qint64 workingSet = 0;
        if (creation.metered) {
            // The first batch's peak tensor bytes, scaled to the largest
            // batch, times the RSS a batch adds per tensor byte (malloc keeps
            // freed memory for reuse: measured 1.6-1.7x at GPT-2-small width,
            // bench_fisher); plus the buffer of rows formed outside the store.
            constexpr double kResidentPerTensorByte = 1.7;
            const int64_t positions = std::max<int64_t>(1, batchPositions(data.samples, first, size_t(batch)));
            workingSet = qint64(kResidentPerTensorByte * double(cpuMemory::peakBytes() - creation.baseBytes)
                                * double(creation.largestPositions) / double(positions));
            int64_t largestTensor = 0;
            for (const CollectedTensor &t : creation.tensors)
                largestTensor = std::max(largestTensor, c10::multiply_integers(t.shape));
            workingSet += qint64(largestTensor * int64_t(settings.batchSize) * int64_t(at::elementSize(dtype)));
        }
        creation.create(creation.tensors, workingSet);
    };
    options.destination = [&](const PerSampleTensor &t, int64_t batch, at::ScalarType dtype) {
        ensureStore(batch, dtype);
        const at::Tensor rows = out.store->writableRows(task, t.tensor, int64_t(first), batch, dtype);
        return rows.defined() ? rows : scratch.rows(t, batch, dtype);
    };
    for (; first < n; first += size_t(settings.batchSize)) {
        if (job)
            job->checkCancelled();
        const size_t count = std::min(n - first, size_t(settings.batchSize));
        const auto [tokens, mask] = sampleBatch(data.samples, first, count);
        if (!out.store && creation.metered) {
            creation.baseBytes = cpuMemory::bytesInUse();
            cpuMemory::resetPeak();
        }
        const at::Tensor batchLosses = forEachPerSampleGradient(
            model, tokens, mask, options,
            [&](const PerSampleGradient &g) {
                ensureStore(g.values.size(0), g.values.scalar_type());
                out.store->write(task, g.tensor, int64_t(first), g.values);
            });
        losses.narrow(0, int64_t(first), int64_t(count)).copy_(batchLosses);
        if (job)
            job->setProgress(qint64(first + count), qint64(n));
    }
}

} // namespace

GradientCollection collectGradients(TransformerModel &model, const TaskDataset &taskA,
                                    const TaskDataset &taskB, const FisherSettings &settings,
                                    JobContext *job, const InterventionTable *interventions)
{
    settings.validate();
    if (taskA.samples.empty() || taskB.samples.empty())
        throw Error(taskA.samples.empty() ? taskA.path : taskB.path,
                    QStringLiteral("the task has no samples to collect gradients from."));
    GradientCollection out;
    out.samplesA = taskA.size();
    out.samplesB = taskB.size();
    StoreCreation creation;
    // Only CPU tensors share the RAM the budget is about.
    creation.metered = model.options().device.is_cpu() && cpuMemory::install();
    creation.largestPositions = std::max(largestBatchPositions(taskA, settings.batchSize),
                                         largestBatchPositions(taskB, settings.batchSize));
    creation.create = [&](const std::vector<CollectedTensor> &tensors, qint64 workingSet) {
        if (tensors.empty())
            throw Error(model.config().modelType, QStringLiteral("the engine captured no attention projections."));
        std::vector<GradientEntrySpec> specs;
        // Task A first: it is collected first and read most (both sides of the score).
        for (const QString &task : {GradientCollection::taskA(), GradientCollection::taskB()})
            for (const CollectedTensor &t : tensors)
                specs.push_back({task, t.name, t.shape,
                                 task == GradientCollection::taskA() ? out.samplesA : out.samplesB});
        GradientStoreOptions options;
        // The budget covers the store's RAM and one batch's working set.
        options.budgetBytes = std::max<qint64>(0, settings.memoryBudgetBytes - workingSet);
        out.batchWorkingSetBytes = workingSet;
        options.storage = settings.storage;
        options.spillDirectory = settings.spillDirectory;
        out.store = std::make_unique<GradientStore>(specs, options);
        out.tensors = tensors;
    };
    if (job)
        job->setStage(QStringLiteral("Collecting task A"));
    collectTask(model, taskA, GradientCollection::taskA(), settings, job, interventions, out, creation, out.lossesA);
    if (job)
        job->setStage(QStringLiteral("Collecting task B"));
    collectTask(model, taskB, GradientCollection::taskB(), settings, job, interventions, out, creation, out.lossesB);
    return out;
}

} // namespace qkov
