#include "GradientCollector.h"

#include "Error.h"
#include "PerSampleGradients.h"
#include "data/TaskDataset.h"
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

void collectTask(TransformerModel &model, const TaskDataset &data, const QString &task,
                 const FisherSettings &settings, JobContext *job, const InterventionTable *interventions,
                 GradientCollection &out,
                 const std::function<void(const std::vector<CollectedTensor> &)> &createStore,
                 at::Tensor &losses)
{
    const size_t n = data.samples.size();
    losses = at::zeros({int64_t(n)}, at::TensorOptions().dtype(at::kDouble));
    ScratchRows scratch;
    size_t first = 0;
    PerSampleOptions options;
    options.includeBias = settings.includeBias;
    options.job = job;
    options.interventions = interventions;
    // The store is created after the first forward pass (which tells what the
    // engine captures), before any gradient is formed, so that every
    // gradient is formed straight into its place.
    options.layout = [&](const std::vector<PerSampleTensor> &tensors) {
        if (out.store) {
            bool same = tensors.size() == out.tensors.size();
            for (size_t i = 0; same && i < tensors.size(); ++i)
                same = tensors[i].tensor == out.tensors[i].name && tensors[i].shape == out.tensors[i].shape;
            if (!same)
                throw Error(data.path, QStringLiteral("the engine captured different attention tensors for sample %1 than before.")
                                           .arg(data.samples[first].id));
            return;
        }
        std::vector<CollectedTensor> collected;
        for (const PerSampleTensor &t : tensors)
            collected.push_back({t.tensor, t.layer, t.block, t.bias, t.shape});
        createStore(collected);
    };
    options.destination = [&](const PerSampleTensor &t, int64_t batch, at::ScalarType dtype) {
        const at::Tensor rows = out.store->writableRows(task, t.tensor, int64_t(first), batch, dtype);
        return rows.defined() ? rows : scratch.rows(t, batch, dtype);
    };
    for (; first < n; first += size_t(settings.batchSize)) {
        if (job)
            job->checkCancelled();
        const size_t count = std::min(n - first, size_t(settings.batchSize));
        const auto [tokens, mask] = sampleBatch(data.samples, first, count);
        const at::Tensor batchLosses = forEachPerSampleGradient(
            model, tokens, mask, options,
            [&](const PerSampleGradient &g) { out.store->write(task, g.tensor, int64_t(first), g.values); });
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
    auto createStore = [&](const std::vector<CollectedTensor> &tensors) {
        if (tensors.empty())
            throw Error(model.config().modelType, QStringLiteral("the engine captured no attention projections."));
        std::vector<GradientEntrySpec> specs;
        // Task A first: it is collected first and read most (both sides of the score).
        for (const QString &task : {GradientCollection::taskA(), GradientCollection::taskB()})
            for (const CollectedTensor &t : tensors)
                specs.push_back({task, t.name, t.shape,
                                 task == GradientCollection::taskA() ? out.samplesA : out.samplesB});
        GradientStoreOptions options;
        options.budgetBytes = settings.memoryBudgetBytes;
        options.storage = settings.storage;
        options.spillDirectory = settings.spillDirectory;
        out.store = std::make_unique<GradientStore>(specs, options);
        out.tensors = tensors;
    };
    if (job)
        job->setStage(QStringLiteral("Collecting task A"));
    collectTask(model, taskA, GradientCollection::taskA(), settings, job, interventions, out, createStore, out.lossesA);
    if (job)
        job->setStage(QStringLiteral("Collecting task B"));
    collectTask(model, taskB, GradientCollection::taskB(), settings, job, interventions, out, createStore, out.lossesB);
    return out;
}

} // namespace qkov
