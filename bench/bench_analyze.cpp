// The analysis stages on random LLaMA-family models, 2 threads, one run:
//  1. 6 layers, 8 heads, width 512, 64 + 64 samples of 128 tokens: every
//     stage's time as the pipeline runs it (collection, Fisher reference, the
//     score stage = copy-free store views + pooled kernels + assembling the
//     score tensors, statistics = 1000 permutations + 1000 bootstrap
//     resamples); the GEMM peak measured in the same run (at::mm 2048^3, and
//     at::bmm at the score kernel's own shapes); the score stage's GFLOP/s
//     against both, counting only the GEMM flops the scores need
//     (2 n^2 P_h per layer, block and KV head); permutations vs the score stage.
//  2. GPT-2-small-shaped (12 layers, 12 heads, width 768), N + N samples of
//     128 tokens: total time and peak RSS (VmHWM).
//   bench_analyze [--gpt2-samples N (100; 0 skips)] [--budget-mb N (4096)]
//                 [--chunk-kib N (ScoreOptions default)] [--score-repeats N (1)]
// Run with OMP_WAIT_POLICY=PASSIVE.
#include "BenchSupport.h"
#include "RandomTask.h"
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
using qkov::bench::statusKiB;

namespace {

constexpr int kLength = 128, kVocab = 512;


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
    double collect = 0, fisher = 0, read = 0, kernels = 0, assemble = 0, statistics = 0, permutations = 0, bootstrap = 0;
    double kernelFlops = 0;
    int64_t scoreN = 0, scoreP = 0, scoreHeads = 0, scoreHeadDim = 0; // one representative kernel shape
    double scoreStage() const { return read + kernels + assemble; }
    double total() const { return collect + fisher + scoreStage() + statistics; }
};

// The pipeline's stages in order (AnalysisPipeline.cpp); `separateTests` also
// times the permutation test and the bootstrap on their own. The score stage
// runs `scoreRepeats` times (best run kept), so that a busy machine can be
// told from a slow kernel.
StageTimes runStages(const LoadedModel &loaded, int perTask, qint64 budgetMB, const ScoreOptions &scoreOptions,
                     bool separateTests, int scoreRepeats = 1)
{
    StageTimes t;
    const ModelStructure &structure = loaded.structure;
    const TaskDataset a = randomTask(perTask, kLength, kLength, kVocab, 1), b = randomTask(perTask, kLength, kLength, kVocab, 2);
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
    std::vector<at::Tensor> kernels, scores;
    for (int repeat = 0; repeat < std::max(1, scoreRepeats); ++repeat) {
        StageTimes run;
        std::vector<std::vector<at::Tensor>> perBlock(4);
        for (const AttentionLayer &layer : structure.layers) {
            for (int block = 0; block < 4; ++block) {
                const BlockSlice &slice = sliceOf(layer, block);
                SampleParts g;
                run.read += seconds([&] {
                    g = {collection.store->stored(GradientCollection::taskA(), slice.tensor),
                         collection.store->stored(GradientCollection::taskB(), slice.tensor)};
                });
                run.kernels += seconds([&] {
                    perBlock[size_t(block)].push_back(
                        headKernel(g, g, fisher.regularized.at(slice.tensor), slice, heads, scoreOptions));
                });
                const bool rows = slice.axis == Axis::Rows;
                const int64_t other = rows ? g[0].size(2) : g[0].size(1);
                t.kernelFlops += repeat == 0 ? double(slice.heads) * 2.0 * double(n) * double(n) * double(slice.headDim * other) : 0;
                t.scoreN = n, t.scoreP = slice.headDim * other, t.scoreHeads = slice.heads, t.scoreHeadDim = slice.headDim;
            }
        }
        // As the pipeline assembles them: kernels [L, H, n, n], scores [nA, nB, L, H].
        run.assemble = seconds([&] {
            kernels.clear();
            scores.clear();
            for (auto &k : perBlock) {
                kernels.push_back(at::stack(k));
                std::vector<at::Tensor> layerScores;
                for (const at::Tensor &layerKernel : k)
                    layerScores.push_back(scoresFromPooledKernel(layerKernel, perTask));
                scores.push_back(at::stack(layerScores, 2));
            }
        });
        if (repeat == 0 || run.scoreStage() < t.scoreStage())
            t.read = run.read, t.kernels = run.kernels, t.assemble = run.assemble;
        if (scoreRepeats > 1)
            std::printf("  score stage run %d: %.3f s\n", repeat + 1, run.scoreStage());
    }
    collection.store.reset();
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
    ScoreOptions scoreOptions;
    int scoreRepeats = 1;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--gpt2-samples"))
            gpt2Samples = std::max(0, args[i + 1].toInt());
        else if (args[i] == QLatin1String("--budget-mb"))
            budgetMB = std::max(1, args[i + 1].toInt());
        else if (args[i] == QLatin1String("--chunk-kib"))
            scoreOptions.chunkBytes = int64_t(std::max(1, args[i + 1].toInt())) << 10;
        else if (args[i] == QLatin1String("--score-repeats"))
            scoreRepeats = std::max(1, args[i + 1].toInt());
    }
    ComputeSettings compute;
    compute.threads = 2;
    compute.apply();
    std::printf("2 threads, OMP_WAIT_POLICY=%s\n", qgetenv("OMP_WAIT_POLICY").isEmpty() ? "(unset)" : qgetenv("OMP_WAIT_POLICY").constData());

    // ---- 1. stage times on 6 x 8 x 512, 64 + 64 samples ----
    const int perTask = 64;
    std::printf("model 1: random LLaMA, 6 layers, 8 heads, width 512; %d + %d samples x %d tokens\n", perTask, perTask, kLength);
    const StageTimes t = runStages(randomModel(6, 8, 512), perTask, budgetMB, scoreOptions, true, scoreRepeats);
    const double scoreStage = t.scoreStage();

    const at::Tensor x = at::randn({2048, 2048}), y = at::randn({2048, 2048});
    const double mmPeak = gflops(2.0 * 2048 * 2048 * 2048, [&] { (void)at::mm(x, y); });
    // The kernel's GEMMs: per head and step [n, E] x [E, n], E = the entries
    // of one window (ScoreKernels.cpp: whole rows of a row slice while one
    // head's two operands fit chunkBytes), rows padded by one cache line and
    // the right operand a transposed view, as in the kernel.
    const int64_t lineEntries = t.scoreP / t.scoreHeadDim;
    const int64_t perLine = 2 * t.scoreN * int64_t(sizeof(float)) * lineEntries;
    const int64_t stepEntries = lineEntries * std::clamp<int64_t>(scoreOptions.chunkBytes / perLine, 1, t.scoreHeadDim);
    const at::Tensor l = at::randn({t.scoreHeads, t.scoreN, stepEntries + 16}).narrow(2, 0, stepEntries);
    const at::Tensor r = at::randn({t.scoreHeads, t.scoreN, stepEntries + 16}).narrow(2, 0, stepEntries);
    at::Tensor out = at::empty({t.scoreHeads, t.scoreN, t.scoreN});
    const double stepPeak = gflops(2.0 * double(t.scoreHeads) * t.scoreN * t.scoreN * stepEntries,
                                   [&] { at::bmm_out(out, l, r.transpose(1, 2)); });
    const at::Tensor lf = at::randn({t.scoreHeads, t.scoreN, t.scoreP}), rf = at::randn({t.scoreHeads, t.scoreN, t.scoreP});
    const double fullPeak = gflops(2.0 * double(t.scoreHeads) * t.scoreN * t.scoreN * t.scoreP,
                                   [&] { at::bmm_out(out, lf, rf.transpose(1, 2)); });

    std::printf("stage timings:\n");
    std::printf("  collection                    %8.3f s\n", t.collect);
    std::printf("  Fisher reference              %8.3f s\n", t.fisher);
    std::printf("  score stage                   %8.3f s  (store views %.3f s, pooled kernels %.3f s, assembling scores %.3f s)\n",
                scoreStage, t.read, t.kernels, t.assemble);
    std::printf("  statistics                    %8.3f s  (1000 permutations + 1000 bootstrap; alone: permutations %.3f s, bootstrap %.3f s)\n",
                t.statistics, t.permutations, t.bootstrap);
    std::printf("  total                         %8.3f s\n", t.total());
    std::printf("GEMM peak in this run: at::mm 2048^3 %.1f GFLOP/s; at::bmm at the kernel's step shape [%lld, %lld, %lld] x "
                "[%lld, %lld, %lld] %.1f GFLOP/s; at the whole-slice shape (P_h = %lld) %.1f GFLOP/s\n",
                mmPeak, (long long)t.scoreHeads, (long long)t.scoreN, (long long)stepEntries, (long long)t.scoreHeads,
                (long long)stepEntries, (long long)t.scoreN, stepPeak, (long long)t.scoreP, fullPeak);
    const double stageRate = t.kernelFlops / scoreStage / 1e9, kernelRate = t.kernelFlops / t.kernels / 1e9;
    std::printf("score stage: %.1f GFLOP of GEMMs needed (2 n^2 P_h per layer, block, KV head); a GEMM of that size takes "
                "%.3f s at the mm peak, the stage %.3f s\n",
                t.kernelFlops / 1e9, t.kernelFlops / 1e9 / mmPeak, scoreStage);
    std::printf("  whole stage %.1f GFLOP/s = %.0f %% of the mm peak (goal >= 60 %%), %.0f %% of bmm at the step shape; "
                "kernels alone %.1f GFLOP/s = %.0f %%\n",
                stageRate, 100 * stageRate / mmPeak, 100 * stageRate / stepPeak, kernelRate, 100 * kernelRate / mmPeak);
    std::printf("permutations (1000) = %.1f %% of the score stage (goal <= 20 %%); whole statistics stage = %.1f %%\n",
                100 * t.permutations / scoreStage, 100 * t.statistics / scoreStage);

    // ---- 2. GPT-2-small shape ----
    if (gpt2Samples > 0) {
        std::printf("model 2: random LLaMA, 12 layers, 12 heads, width 768; %d + %d samples x %d tokens, budget %lld MiB\n",
                    gpt2Samples, gpt2Samples, kLength, (long long)budgetMB);
        const LoadedModel model = randomModel(12, 12, 768);
        const StageTimes g = runStages(model, gpt2Samples, budgetMB, scoreOptions, false);
        std::printf("  collection %.1f s, Fisher %.1f s, score stage %.1f s (store views %.1f s), statistics %.1f s\n",
                    g.collect, g.fisher, g.scoreStage(), g.read, g.statistics);
        std::printf("  total %.1f s; peak RSS (VmHWM) %.0f MiB\n", g.total(), statusKiB("VmHWM:") / 1024.0);
    }
    return 0;
}
