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

void collectTask(TransformerModel &model, const TaskDataset &data, const QString &task,
                 const FisherSettings &settings, JobContext *job, const InterventionTable *interventions,
                 GradientCollection &out,
                 const std::function<void(const std::vector<CollectedTensor> &)> &createStore,
                 at::Tensor &losses)
{
    const size_t n = data.samples.size();
    losses = at::zeros({int64_t(n)}, at::TensorOptions().dtype(at::kDouble));
    PerSampleOptions options;
    options.includeBias = settings.includeBias;
    options.job = job;
    options.interventions = interventions;
    for (size_t first = 0; first < n; first += size_t(settings.batchSize)) {
        if (job)
            job->checkCancelled();
        const size_t count = std::min(n - first, size_t(settings.batchSize));
        const auto [tokens, mask] = sampleBatch(data.samples, first, count);
        std::vector<PerSampleGradient> firstBatch; // only until the store exists
        const at::Tensor batchLosses = forEachPerSampleGradient(
            model, tokens, mask, options, [&](const PerSampleGradient &g) {
                if (!out.store) {
                    firstBatch.push_back(g);
                    return;
                }
                out.store->write(task, g.tensor, int64_t(first), g.values);
            });
        if (!out.store) {
            // The first batch tells which tensors the engine captures.
            std::vector<CollectedTensor> tensors;
            for (const PerSampleGradient &g : firstBatch) {
                CollectedTensor t;
                t.name = g.tensor;
                t.layer = g.layer;
                t.block = g.block;
                t.bias = g.bias;
                t.shape = g.values.sizes().slice(1).vec();
                tensors.push_back(std::move(t));
            }
            createStore(tensors);
            for (const PerSampleGradient &g : firstBatch)
                out.store->write(task, g.tensor, int64_t(first), g.values);
        }
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
