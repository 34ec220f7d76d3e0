// The analysis stages on random LLaMA-family models, 2 threads, one run:
//  1. 6 layers, 8 heads, width 512, 64 + 64 samples of 128 tokens: time of
//     collection, Fisher reference, pooled kernels (the score stage, as the
//     pipeline forms them) and statistics (1000 permutations + 1000
//     bootstrap resamples); the GEMM peak (at::mm 2048^3 and the score
//     GEMM's own batched shape) and the score stage's GFLOP/s against it
//     (2 n^2 P per (layer, block, KV head)); permutations vs the score stage.
//  2. GPT-2-small-shaped (12 layers, 12 heads, width 768), N + N samples of
//     128 tokens: total time and peak RSS (VmHWM).
//   bench_analyze [--gpt2-samples N (100; 0 skips)] [--budget-mb N (4096)]
// Run with OMP_WAIT_POLICY=PASSIVE.
#include "TinyLlama.h"
#include "analysis/FisherReference.h"
#include "analysis/GradientCollector.h"
#include "analysis/GradientStore.h"
#include "analysis/InterferenceScores.h"
#include "analysis/Statistics.h"
#include "data/TaskDataset.h"
#include "engine/ComputeSettings.h"
#include "structure/ArchitectureFamily.h"
#include "structure/TensorIndex.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>

#include <algorithm>
#include <cstdio>

using namespace qkov;
using namespace qkov::test;

namespace {

constexpr int kLength = 128, kVocab = 512;

qint64 statusKiB(const char *field)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith(field))
            return line.mid(int(qstrlen(field))).trimmed().split(' ').front().toLongLong();
    return -1;
}

template <typename F>
double seconds(F &&run)
{
    QElapsedTimer t;
    t.start();
    run();
    return t.nsecsElapsed() / 1e9;
}

// Best-of-3 GFLOP/s of a product taking `flops`.
template <typename F>
double gflops(double flops, F &&run)
{
    run(); // warm-up
    double best = 1e300;
    for (int r = 0; r < 3; ++r)
        best = std::min(best, seconds(run));
    return flops / best / 1e9;
}

TaskDataset randomTask(int n, uint64_t seed)
{
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    const at::Tensor ids = at::randint(1, kVocab, {n, kLength}, gen, at::kLong);
    const auto a = ids.accessor<int64_t, 2>();
    TaskDataset d;
    d.path = QStringLiteral("random");
    for (int i = 0; i < n; ++i) {
        TaskSample s;
        s.id = QString::number(i);
        s.recordIndex = i;
        for (int64_t t = 0; t < kLength; ++t)
            s.tokens.push_back(int(a[i][t]));
        d.samples.push_back(std::move(s));
    }
    return d;
}

LoadedModel randomModel(int layers, int heads, int hidden)
{
    TinyLlamaSpec spec;
    spec.layers = layers;
    spec.heads = spec.kvHeads = heads;
    spec.headDim = hidden / heads;
    spec.hidden = hidden;
    spec.intermediate = 4 * hidden;
    spec.vocab = kVocab;
    ModelConfig config = tinyConfig(spec);
    config.maxPositions = 1024;
    auto tensors = tinyTensors(spec);
    for (auto &[name, t] : tensors) // keep activations sane at this width
        if (name.contains("proj.weight"))
            t.mul_(0.05);
    LoadedModel m = loadedFrom(config, tensors);
    m.structure = detectStructure(&*m.config, TensorIndex::fromStore(*m.tensors), m.path);
    return m;
}

const BlockSlice &sliceOf(const AttentionLayer &l, int block)
{
    const BlockSlice *slices[4] = {&l.q, &l.k, &l.v, &l.o};
    return *slices[block];
}

struct StageTimes
{
    double collect = 0, fisher = 0, read = 0, kernels = 0, statistics = 0, permutations = 0, bootstrap = 0;
    double kernelFlops = 0;
    int64_t scoreM = 0, scoreP = 0, scoreHeads = 0; // one representative GEMM shape
    double total() const { return collect + fisher + read + kernels + statistics; }
};

// The pipeline's stages in order; `separateTests` also times the permutation
// test and the bootstrap on their own.
StageTimes runStages(const LoadedModel &loaded, int perTask, qint64 budgetMB, bool separateTests)
{
    StageTimes t;
    const ModelStructure &structure = loaded.structure;
    const TaskDataset a = randomTask(perTask, 1), b = randomTask(perTask, 2);
    FisherSettings settings;
    settings.memoryBudgetBytes = budgetMB << 20;
    GradientCollection collection;
    {
        TransformerModel engine(loaded, EngineOptions());
        t.collect = seconds([&] { collection = collectGradients(engine, a, b, settings); });
    }
    std::printf("  gradients: %.2f GiB in RAM, %.2f GiB spilled\n", collection.store->residentBytes() / double(1 << 30),
                collection.store->spilledBytes() / double(1 << 30));
    FisherResult fisher;
    t.fisher = seconds([&] { fisher = computeFisherReference(collection, structure, settings); });

    const int heads = structure.numHeads;
    const int64_t n = 2 * perTask;
    std::vector<std::vector<at::Tensor>> perBlock(4);
    for (const AttentionLayer &layer : structure.layers) {
        for (int block = 0; block < 4; ++block) {
            const BlockSlice &slice = sliceOf(layer, block);
            at::Tensor g;
            t.read += seconds([&] {
                g = at::cat({collection.store->read(GradientCollection::taskA(), slice.tensor),
                             collection.store->read(GradientCollection::taskB(), slice.tensor)});
            });
            t.kernels += seconds([&] {
                perBlock[size_t(block)].push_back(headKernel(g, g, fisher.regularized.at(slice.tensor), slice, heads));
            });
            const int64_t P = int64_t(slice.headDim) * (slice.axis == Axis::Rows ? g.size(2) : g.size(1));
            t.kernelFlops += double(slice.heads) * 2.0 * double(n) * double(n) * double(P);
            t.scoreM = n, t.scoreP = P, t.scoreHeads = slice.heads;
        }
    }
    collection.store.reset();
    std::vector<at::Tensor> kernels;
    for (auto &k : perBlock)
        kernels.push_back(at::stack(k));
    perBlock.clear();
    StatisticsSettings stats; // 1000 permutations, 1000 bootstrap resamples
    t.statistics = seconds([&] { (void)headStatistics(kernels, perTask, stats); });
    if (separateTests) {
        const at::Tensor flat = at::cat(kernels).reshape({-1, n, n});
        t.permutations = seconds([&] { (void)permutationTest(flat, perTask, stats.permutations, stats.seed); });
        t.bootstrap = seconds([&] {
            (void)bootstrapInterval(flat, perTask, stats.bootstrapResamples, stats.confidenceLevel, stats.seed);
        });
    }
    return t;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("qkov"));
    int gpt2Samples = 100;
    qint64 budgetMB = 4096;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--gpt2-samples"))
            gpt2Samples = std::max(0, args[i + 1].toInt());
        else if (args[i] == QLatin1String("--budget-mb"))
            budgetMB = std::max(1, args[i + 1].toInt());
    }
    ComputeSettings compute;
    compute.threads = 2;
    compute.apply();
    std::printf("2 threads, OMP_WAIT_POLICY=%s\n", qgetenv("OMP_WAIT_POLICY").isEmpty() ? "(unset)" : qgetenv("OMP_WAIT_POLICY").constData());

    // ---- 1. stage times on 6 x 8 x 512, 64 + 64 samples ----
    const int perTask = 64;
    std::printf("model 1: random LLaMA, 6 layers, 8 heads, width 512; %d + %d samples x %d tokens\n", perTask, perTask, kLength);
    const StageTimes t = runStages(randomModel(6, 8, 512), perTask, budgetMB, true);
    const double scoreStage = t.read + t.kernels;

    const at::Tensor x = at::randn({2048, 2048}), y = at::randn({2048, 2048});
    const double mmPeak = gflops(2.0 * 2048 * 2048 * 2048, [&] { (void)at::mm(x, y); });
    const at::Tensor l = at::randn({t.scoreHeads, t.scoreM, t.scoreP}), r = at::randn({t.scoreHeads, t.scoreP, t.scoreM});
    const double bmmPeak = gflops(2.0 * double(t.scoreHeads) * t.scoreM * t.scoreM * t.scoreP, [&] { (void)at::bmm(l, r); });

    std::printf("  collection                    %8.2f s\n", t.collect);
    std::printf("  Fisher reference              %8.2f s\n", t.fisher);
    std::printf("  score stage                   %8.2f s  (store reads + concatenation %.2f s, head kernels %.2f s)\n",
                scoreStage, t.read, t.kernels);
    std::printf("  statistics (1000 perm + 1000 bootstrap) %8.2f s  (alone: permutations %.2f s, bootstrap %.2f s)\n",
                t.statistics, t.permutations, t.bootstrap);
    std::printf("  total                         %8.2f s\n", t.total());
    std::printf("GEMM peak: at::mm 2048^3 %.1f GFLOP/s; at::bmm [%lld, %lld, %lld] x [%lld, %lld, %lld] %.1f GFLOP/s\n",
                mmPeak, (long long)t.scoreHeads, (long long)t.scoreM, (long long)t.scoreP, (long long)t.scoreHeads,
                (long long)t.scoreP, (long long)t.scoreM, bmmPeak);
    std::printf("score stage: %.1f GFLOP of kernel GEMMs; head kernels %.1f GFLOP/s = %.0f %% of the mm peak, %.0f %% of "
                "the bmm peak; whole stage incl. reads %.1f GFLOP/s = %.0f %% of the mm peak\n",
                t.kernelFlops / 1e9, t.kernelFlops / t.kernels / 1e9, 100 * t.kernelFlops / t.kernels / 1e9 / mmPeak,
                100 * t.kernelFlops / t.kernels / 1e9 / bmmPeak, t.kernelFlops / scoreStage / 1e9,
                100 * t.kernelFlops / scoreStage / 1e9 / mmPeak);
    std::printf("permutations (1000) = %.1f %% of the score stage; whole statistics stage = %.1f %%\n",
                100 * t.permutations / scoreStage, 100 * t.statistics / scoreStage);

    // ---- 2. GPT-2-small shape ----
    if (gpt2Samples > 0) {
        std::printf("model 2: random LLaMA, 12 layers, 12 heads, width 768; %d + %d samples x %d tokens, budget %lld MiB\n",
                    gpt2Samples, gpt2Samples, kLength, (long long)budgetMB);
        const LoadedModel model = randomModel(12, 12, 768);
        const StageTimes g = runStages(model, gpt2Samples, budgetMB, false);
        std::printf("  collection %.1f s, Fisher %.1f s, score stage %.1f s (reads %.1f s), statistics %.1f s\n", g.collect,
                    g.fisher, g.read + g.kernels, g.read, g.statistics);
        std::printf("  total %.1f s; peak RSS (VmHWM) %.0f MiB\n", g.total(), statusKiB("VmHWM:") / 1024.0);
    }
    return 0;
}
