#include "AnalysisPipeline.h"

#include "Error.h"
#include "ModelTokenizer.h"
#include "analysis/FisherReference.h"
#include "analysis/FisherSettings.h"
#include "analysis/GradientCollector.h"
#include "analysis/GradientStore.h"
#include "analysis/InterferenceScores.h"
#include "analysis/Statistics.h"
#include "analysis/StoreMemory.h"
#include "data/TaskDataset.h"
#include "engine/ComputeSettings.h"
#include "engine/CpuMemoryMeter.h"
#include "engine/TransformerModel.h"
#include "freeze/FreezeInterventions.h"
#include "freeze/FreezeSet.h"
#include "jobs/JobContext.h"
#include "session/InputFingerprints.h"
#include "tokenizer/Tokenizer.h"
#include "Translate.h"

#include <ATen/ATen.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <cmath>

namespace qkov {

namespace {


FisherSettings fisherSettingsOf(const AnalysisSettings &s)
{
    FisherSettings f;
    f.maxLength = s.maxLength;
    f.maxSamples = s.maxSamples;
    f.batchSize = s.batchSize;
    f.includeBias = s.includeBias;
    f.memoryBudgetBytes = s.memoryBudgetMB * (qint64(1) << 20);
    f.storage = s.gradientStorage == QLatin1String("bfloat16") ? GradientStorage::BFloat16 : GradientStorage::Float32;
    f.mode = s.fisher == QLatin1String("ema") ? FisherMode::Ema : FisherMode::Mean;
    f.beta = s.beta;
    f.reference = s.fisherRef == QLatin1String("a") ? FisherReferenceSet::TaskA : FisherReferenceSet::Pooled;
    f.epsilon = s.epsilon;
    f.ridgeRel = s.ridgeRel;
    f.ridgeAbs = s.ridgeAbs;
    return f;
}

StatisticsSettings statisticsSettingsOf(const AnalysisSettings &s)
{
    StatisticsSettings st;
    st.permutations = s.permutations;
    st.bootstrapResamples = s.bootstrap;
    st.seed = s.seed;
    st.alpha = s.alpha;
    st.minEffect = s.minEffect;
    st.fdrFamily = parseFdrFamily(s.fdrFamily);
    return st;
}

template<class T>
std::vector<T> toVector(const at::Tensor &t)
{
    const at::Tensor c = t.to(at::kCPU).contiguous();
    if constexpr (std::is_same_v<T, float>) {
        const at::Tensor f = c.to(at::kFloat);
        return std::vector<float>(f.data_ptr<float>(), f.data_ptr<float>() + f.numel());
    } else if constexpr (std::is_same_v<T, double>) {
        const at::Tensor d = c.to(at::kDouble);
        return std::vector<double>(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
    } else {
        const at::Tensor u = c.to(at::kByte);
        return std::vector<uint8_t>(u.data_ptr<uint8_t>(), u.data_ptr<uint8_t>() + u.numel());
    }
}

NamedTensor namedTensor(const at::Tensor &t)
{
    NamedTensor n;
    n.shape.assign(t.sizes().begin(), t.sizes().end());
    n.values = toVector<float>(t);
    return n;
}

TaskSummary summaryOf(const TaskDataset &data)
{
    TaskSummary s;
    s.name = data.name;
    s.path = QFileInfo(data.path).absoluteFilePath();
    for (const TaskSample &sample : data.samples) {
        s.sampleIds << sample.id;
        s.previews << sample.preview;
    }
    return s;
}

// The pooled kernel [H, n, n] of one (layer, block): weights, plus the Q/K/V
// bias row-sliced like its weight when biases are included (METRIC.md 1).
at::Tensor pooledKernel(const GradientStore &store, const FisherResult &fisher, const BlockSlice &slice,
                        int heads, bool includeBias, const ScoreOptions &options, QHash<QString, SampleParts> &cache)
{
    auto pooled = [&](const QString &tensor) {
        auto it = cache.find(tensor);
        if (it == cache.end()) {
            // One fused tensor serves Q, K and V of its layer: map it once.
            // Task A's rows then task B's, scored in place (no copy, no cat).
            cache.clear();
            it = cache.insert(tensor, SampleParts{store.stored(GradientCollection::taskA(), tensor),
                                                  store.stored(GradientCollection::taskB(), tensor)});
        }
        return it.value();
    };
    const auto reg = fisher.regularized.find(slice.tensor);
    if (reg == fisher.regularized.end())
        throw Error(slice.tensor, tr("no Fisher reference was collected for this tensor"));
    const SampleParts g = pooled(slice.tensor);
    at::Tensor kernel = headKernel(g, g, reg->second, slice, heads, options);
    if (includeBias && !slice.bias.isEmpty() && fisher.regularized.count(slice.bias)) {
        BlockSlice biasSlice = slice;
        biasSlice.tensor = slice.bias;
        biasSlice.axis = Axis::Rows; // a bias is a column: its rows follow the weight's rows
        biasSlice.tensorShape = {slice.tensorShape.empty() ? 0 : slice.tensorShape[0], 1};
        const at::Tensor b = store.read(GradientCollection::taskA(), slice.bias);
        const at::Tensor pooledBias = at::cat({b, store.read(GradientCollection::taskB(), slice.bias)}).unsqueeze(-1);
        kernel = kernel + headKernel(pooledBias, pooledBias, fisher.regularized.at(slice.bias).unsqueeze(-1), biasSlice, heads, options);
    }
    return kernel;
}

} // namespace

AnalysisResult runAnalysis(const AnalysisRequest &request, JobContext *job)
{
    if (job)
        job->setStage(tr("Loading model"));
    const LoadedModel model = loadModel(request.modelPath, request.loadOptions);
    return runAnalysis(model, request, job);
}

AnalysisResult runAnalysis(const LoadedModel &loaded, const AnalysisRequest &request, JobContext *job)
{
    const AnalysisSettings &s = request.settings;
    s.validate();
    if (!loaded.config)
        throw Error(loaded.path, tr("the analysis needs the model's config.json (a lone .safetensors file gives the structure only)"));
    if (!loaded.config->isDecoder)
        throw Error(loaded.path, tr("the analysis needs a causal language model; %1 is an encoder").arg(loaded.structure.architecture));
    if (s.fisherRef == QLatin1String("a") && s.permutations > 0)
        throw Error(QStringLiteral("--fisher-ref"),
                    tr("with reference 'a' the permutation null must recompute the Fisher for every permutation, "
                       "which this build does not do; use --fisher-ref pooled, or --permutations 0 for scores without p-values"));
    QElapsedTimer clock;
    clock.start();
    AnalysisResult result;
    auto lap = [&](const char *stage) {
        result.timings.insert(QLatin1String(stage), clock.nsecsElapsed() / 1e9);
        clock.restart();
    };

    ComputeSettings compute;
    compute.device = s.device;
    compute.threads = s.threads;
    compute.apply();
    EngineOptions engineOptions;
    engineOptions.device = compute.parsedDevice();
    TransformerModel model(loaded, engineOptions);
    const ModelStructure &structure = loaded.structure;
    const int layers = structure.numLayers, heads = structure.numHeads;
    lap("load");

    if (job)
        job->setStage(tr("Tokenizing tasks"));
    const std::unique_ptr<Tokenizer> tokenizer = tokenizerFor(loaded);
    DatasetOptions datasetOptions;
    datasetOptions.maxLength = s.maxLength;
    datasetOptions.maxSamples = s.maxSamples;
    const TaskDataset taskA = loadTaskDataset(request.taskA.path, *tokenizer, datasetOptions,
                                              request.taskA.name.isEmpty() ? tr("task A") : request.taskA.name);
    const TaskDataset taskB = loadTaskDataset(request.taskB.path, *tokenizer, datasetOptions,
                                              request.taskB.name.isEmpty() ? tr("task B") : request.taskB.name);
    for (const TaskDataset *t : {&taskA, &taskB}) {
        const int shown = std::min<int>(10, int(t->warnings.size()));
        result.warnings << t->warnings.mid(0, shown);
        if (t->warnings.size() > shown)
            result.warnings << tr("%1: %2 more skipped records").arg(t->path).arg(t->warnings.size() - shown);
    }
    lap("tokenize");

    const FisherSettings fisherSettings = fisherSettingsOf(s);
    FreezeSet freeze;
    if (!s.freeze.isEmpty()) {
        freeze = FreezeSet::parse(s.freeze, layers, heads);
        if (freeze.needsReference())
            throw Error(QStringLiteral("--freeze"), tr("during an analysis only the zero method is available; mean, noise "
                                                       "and resample need reference activations (use them with 'qkov freeze')"));
    }
    const InterventionTable interventions = freeze.empty() ? InterventionTable() : freezeInterventions(freeze, model);
    GradientCollection collection = collectGradients(model, taskA, taskB, fisherSettings, job, &interventions);
    lap("collect");

    if (job)
        job->setStage(tr("Fisher reference"));
    const FisherResult fisher = computeFisherReference(collection, structure, fisherSettings, job);
    result.warnings << fisher.warnings;
    if (s.fisherRef == QLatin1String("a") && s.fisher == QLatin1String("mean"))
        result.warnings << tr("Fisher reference 'a' with 'mean' degenerates: averaged over task A, each head's score is just "
                              "task B's gradient mass on its slice, whatever task A is. The pooled reference avoids this.");
    std::array<double, 4> ridgeShare{}, ridgeEntries{};
    for (const FisherBlockDiagnostics &d : fisher.blocks) {
        const int b = AnalysisResult::blockIndex(d.block);
        if (b < 0)
            continue;
        ridgeShare[size_t(b)] += d.ridgeShare * double(d.entries);
        ridgeEntries[size_t(b)] += double(d.entries);
    }
    for (const auto &[name, tensor] : fisher.fisher)
        result.fisher.insert(name, namedTensor(tensor));
    lap("fisher");

    if (job)
        job->setStage(tr("Interference scores"));
    ScoreOptions scoreOptions;
    scoreOptions.variant = parseScoreVariant(s.variant);
    const int64_t nA = taskA.size();
    std::vector<at::Tensor> kernels(4), scores(4); // [L, H, n, n] and [nA, nB, L, H]
    {
        std::array<std::vector<at::Tensor>, 4> perLayerKernels;
        QHash<QString, SampleParts> cache;
        for (int l = 0; l < layers; ++l) {
            const AttentionLayer &layer = structure.layers[size_t(l)];
            const BlockSlice *slices[4] = {&layer.q, &layer.k, &layer.v, &layer.o};
            for (int b = 0; b < 4; ++b) {
                perLayerKernels[size_t(b)].push_back(pooledKernel(*collection.store, fisher, *slices[b], heads,
                                                                  s.includeBias && b < 3, scoreOptions, cache));
                if (job)
                    job->setProgress(l * 4 + b + 1, layers * 4);
            }
        }
        for (int b = 0; b < 4; ++b) {
            kernels[size_t(b)] = at::stack(perLayerKernels[size_t(b)]); // [L, H, n, n]
            std::vector<at::Tensor> layerScores;
            for (const at::Tensor &k : perLayerKernels[size_t(b)])
                layerScores.push_back(scoresFromPooledKernel(k, nA)); // [nA, nB, H]
            scores[size_t(b)] = at::stack(layerScores, 2);            // [nA, nB, L, H]
        }
    }
    collection.store.reset(); // the spill file (if any) goes as soon as it is not needed
    lap("scores");

    if (job)
        job->setStage(tr("Statistics"));
    std::vector<BlockStatistics> stats;
    if (s.permutations > 0)
        stats = headStatistics(kernels, nA, statisticsSettingsOf(s), job);
    lap("statistics");

    const std::vector<Conflict> top = topConflicts(scores, s.topK);
    const size_t cells = size_t(layers) * size_t(heads);
    for (int b = 0; b < 4; ++b) {
        BlockResult &block = result.blocks[size_t(b)];
        block.block = AnalysisResult::blockName(b);
        block.scores = toVector<float>(scores[size_t(b)]);
        block.heatmap = toVector<float>(scoreHeatmap(scores[size_t(b)]));
        if (!stats.empty()) {
            const BlockStatistics &h = stats[size_t(b)];
            block.pvalue = toVector<double>(h.pValue);
            block.qvalue = toVector<double>(h.qValue);
            block.z = toVector<double>(h.z);
            block.ratio = toVector<double>(h.ratio);
            block.ciLow = toVector<double>(h.ciLow);
            block.ciHigh = toVector<double>(h.ciHigh);
            block.flagged = toVector<uint8_t>(h.flagged);
        } else {
            const double nan = std::nan("");
            block.pvalue = block.qvalue = block.z = block.ratio = block.ciLow = block.ciHigh = std::vector<double>(cells, nan);
            block.flagged.assign(cells, 0);
        }
        block.ridgeDominatedShare = ridgeEntries[size_t(b)] > 0 ? ridgeShare[size_t(b)] / ridgeEntries[size_t(b)] : 0.0;
        if (block.ridgeDominatedShare > 0.5)
            result.warnings << tr("Block %1: the ridge exceeds the Fisher on %2% of entries; scores there mostly reflect the ridge.")
                                   .arg(block.block).arg(100.0 * block.ridgeDominatedShare, 0, 'f', 0);
    }
    for (const Conflict &c : top)
        result.topConflicts.push_back({AnalysisResult::blockName(c.block), int(c.layer), int(c.head), int(c.sampleA),
                                       int(c.sampleB), c.score});

    result.modelPath = QFileInfo(loaded.path).absoluteFilePath();
    result.architecture = structure.architecture;
    result.layers = layers;
    result.heads = heads;
    result.kvHeads = structure.numKvHeads;
    result.modelSha256 = modelFingerprint(loaded.path);
    result.taskA = summaryOf(taskA);
    result.taskB = summaryOf(taskB);
    result.taskA.sha256 = sha256OfFile(taskA.path);
    result.taskB.sha256 = sha256OfFile(taskB.path);
    result.settings = s;
    result.settings.freeze = freeze.format();
    lap("summary");
    return result;
}

void releaseAnalysisMemory()
{
    storeMemory::release();
    cpuMemory::releaseCache();
}

} // namespace qkov
