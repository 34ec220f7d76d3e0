// Fisher collection speed, memory and cancel latency on a GPT-2-small-shaped
// random LLaMA (12 layers, 12 heads, width 768, batch 8 x 128 tokens, 2 threads):
//  0. a memory run first: a 512 MB budget on >= 2 GB of gradients, peak RSS
//     from /proc/self/status (VmHWM, reset before the run) against
//     budget + model + 300 MB;
//  1. plain batched forward + backward (summed attention-weight gradients),
//  2. per-sample gradients, batched (one forward, one backward, one bmm per
//     projection), handed to a sink that keeps nothing,
//  3. the collection (collectGradients: the same plus a gradient store created
//     for the run and every gradient in it), in RAM and all spilled to disk;
//     in RAM twice: as a re-run (the store's memory is the last store's) and
//     as a first run (fresh memory, given 3 s to go back to the host),
//  4. the naive methods: one backward per sample (batched forward, then
//     l_i.backward() for each i with the graph retained); one sample at a
//     time (a forward and a backward of each sample alone), with the
//     attention weights' gradients only and with every weight's, as the
//     published implementation does (micro-batches of 1, requires_grad on
//     every parameter); and plain with every weight's gradient,
//  5. the machine's first touch of memory: on a VM whose balloon reports free
//     memory to the host (virtio free page reporting), memory freed a few
//     seconds ago comes back slowly; the bench measures that rate;
// then cancels of that collection at random moments and their latency.
// Timings interleave the variants (best of --repeats rounds), so that load
// from other processes drifts over all of them alike.
// --only NAME[,NAME...] runs the memory run (memory) and/or those timing variants --repeats times and nothing else (for a profiler).
//   bench_fisher [--vocab N] [--repeats N] [--cancels N] [--memory-tokens N] [--only NAME]
#include "BenchSupport.h"
#include "RandomTask.h"
#include "TinyLlama.h"
#include "analysis/GradientCollector.h"
#include "analysis/GradientStore.h"
#include "analysis/StoreMemory.h"
#include "analysis/PerSampleGradients.h"
#include "data/TaskDataset.h"
#include "engine/ComputeSettings.h"
#include "engine/CpuMemoryMeter.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QStandardPaths>

#include "jobs/JobContext.h"

#include <QRandomGenerator>
#include <QThread>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <malloc.h>
#include <map>
#include <sys/mman.h>
#include <thread>
#include <utility>

using namespace qkov;
using namespace qkov::test;
using qkov::bench::statusKiB;

namespace {

constexpr int kBatch = 8, kLength = 128;


bool resetPeakRss()
{
    QFile f(QStringLiteral("/proc/self/clear_refs"));
    return f.open(QIODevice::WriteOnly) && f.write("5") == 1;
}

// Maps `bytes` of anonymous memory (huge pages advised, as the store's),
// writes every page, unmaps it; returns the seconds the writes took.
double touchFreshMemory(size_t bytes)
{
    void *map = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED)
        return -1;
    ::madvise(map, bytes, MADV_HUGEPAGE);
    QElapsedTimer t;
    t.start();
    for (size_t i = 0; i < bytes; i += 4096)
        static_cast<volatile char *>(map)[i] = 1;
    const double seconds = t.nsecsElapsed() / 1e9;
    ::munmap(map, bytes);
    return seconds;
}

double secondsOf(const std::function<void()> &run)
{
    QElapsedTimer t;
    t.start();
    run();
    return t.nsecsElapsed() / 1e9;
}


} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("qkov"));
    int vocab = 8192, repeats = 2, cancels = 6, memoryTokens = 32;
    QString only;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--vocab"))
            vocab = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--repeats"))
            repeats = std::max(1, args[i + 1].toInt());
        else if (args[i] == QLatin1String("--cancels"))
            cancels = std::max(0, args[i + 1].toInt());
        else if (args[i] == QLatin1String("--only"))
            only = args[i + 1];
        else if (args[i] == QLatin1String("--memory-tokens"))
            memoryTokens = std::max(2, args[i + 1].toInt());
    }
    ComputeSettings compute;
    compute.threads = 2;
    compute.apply();

    TinyLlamaSpec spec;
    spec.layers = 12;
    spec.heads = spec.kvHeads = 12;
    spec.headDim = 64;
    spec.hidden = 768;
    spec.intermediate = 3072;
    spec.vocab = vocab;
    ModelConfig config = tinyConfig(spec);
    config.maxPositions = 1024;
    std::printf("model: random LLaMA, 12 layers, 12 heads, width 768, MLP 3072, vocab %d; 2 threads\n", vocab);
    auto tensors = tinyTensors(spec);
    // Keep activations in a sane range for a random model of this width.
    for (auto &[name, t] : tensors)
        if (name.contains("proj.weight"))
            t.mul_(0.05);
    EngineOptions options;
    TransformerModel model(loadedFrom(config, tensors), options);
    tensors.clear();
    cpuMemory::releaseCache(); // the builder's copies: not part of the model
    malloc_trim(0);
    qint64 modelBytes = 0;
    for (const QString &name : model.parameterNames())
        modelBytes += qint64(model.parameter(name).nbytes());
    const double mib = 1 << 20;

    // ---- memory run (first, so the timing runs do not set the peak) ----
    if (only.isEmpty() || only.split(',').contains(QLatin1String("memory"))) {
        const int perTask = 10;
        const TaskDataset a = randomTask(perTask, memoryTokens, memoryTokens, vocab, 1), b = randomTask(perTask, memoryTokens, memoryTokens, vocab, 2);
        // What one batch's forward+backward holds by itself (activations kept
        // for the backward), whoever runs it: measured with a plain pass.
        const auto [tokens, mask] = sampleBatch(a.samples, 0, kBatch);
        const qint64 idle = statusKiB("VmRSS:");
        resetPeakRss();
        model.setAttentionRequiresGrad(true);
        causalLmLossPerSample(model.forward(tokens, mask), tokens, mask).sum().backward();
        model.setAttentionRequiresGrad(false);
        for (const QString &w : model.attentionWeightNames())
            model.parameter(w).mutable_grad() = at::Tensor();
        const qint64 plainPeak = statusKiB("VmHWM:");
        cpuMemory::releaseCache(); // as a new analysis starts: its model was just built
        malloc_trim(0);

        FisherSettings s;
        s.batchSize = kBatch;
        s.memoryBudgetBytes = qint64(512) << 20;
        const qint64 before = statusKiB("VmRSS:");
        const bool reset = resetPeakRss();
        QElapsedTimer t;
        t.start();
        GradientCollection c = collectGradients(model, a, b, s);
        const double seconds = t.nsecsElapsed() / 1e9;
        const qint64 peak = statusKiB("VmHWM:");
        const qint64 total = c.store->residentBytes() + c.store->spilledBytes();
        std::printf("memory run: %d + %d samples x %d tokens, batch %d, %.2f GiB of gradients, budget 512 MiB: "
                    "%.0f MiB in RAM, %.0f MiB spilled to %s; %.1f s\n",
                    perTask, perTask, memoryTokens, kBatch, total / double(1 << 30), c.store->residentBytes() / mib,
                    c.store->spilledBytes() / mib, qPrintable(c.store->spillPath()), seconds);
        std::printf("  a plain forward+backward of one such batch peaks %.0f MiB above the idle model; the collection "
                    "measured a batch working set of %.0f MiB and gave the store the rest of the budget\n",
                    (plainPeak - idle) / 1024.0, c.batchWorkingSetBytes / mib);
        std::printf("  RSS before %.0f MiB (model %.0f MiB, the rest is the runtime); peak during the collection "
                    "(VmHWM%s) %.0f MiB = before + %.0f MiB\n",
                    before / 1024.0, modelBytes / mib, reset ? ", reset before it" : ", NOT reset: includes loading",
                    peak / 1024.0, (peak - before) / 1024.0);
        const double goal = (s.memoryBudgetBytes + modelBytes) / mib + 300;
        const double relativeGoal = before / 1024.0 + s.memoryBudgetBytes / mib + 300;
        std::printf("  goal budget + model + 300 MiB = %.0f MiB: %s; before + budget + 300 MiB = %.0f MiB: %s\n", goal,
                    peak / 1024.0 <= goal ? "met" : "NOT met", relativeGoal,
                    peak / 1024.0 <= relativeGoal ? "met" : "NOT met");
    }
    malloc_trim(0);

    // ---- timing runs ----
    const TaskDataset batchTask = randomTask(kBatch, kLength, kLength, vocab, 3);
    const auto [tokens, mask] = sampleBatch(batchTask.samples, 0, kBatch);
    const QStringList weights = model.attentionWeightNames();
    auto clearGrads = [&] {
        for (const QString &w : weights)
            model.parameter(w).mutable_grad() = at::Tensor();
    };
    // Task B must not be empty: one sample of 2 tokens (negligible next to the batch).
    const TaskDataset one = randomTask(1, 2, 2, vocab, 4);
    FisherSettings inRam;
    inRam.batchSize = kBatch;
    FisherSettings spilled = inRam;
    spilled.memoryBudgetBytes = 0;

    qint64 storeBytes = 0;
    for (const QString &w : weights)
        storeBytes += qint64(model.parameter(w).nbytes()) * (kBatch + 1);
    auto naiveRun = [&] {
        model.setAttentionRequiresGrad(true);
        const at::Tensor logits = model.forward(tokens, mask);
        const at::Tensor losses = causalLmLossPerSample(logits, tokens, mask);
        for (int i = 0; i < kBatch; ++i) {
            losses[i].backward({}, /*retain_graph=*/i + 1 < kBatch);
            for (const QString &w : weights)
                (void)model.parameter(w).grad().clone(); // this sample's gradient
            clearGrads();
        }
        model.setAttentionRequiresGrad(false);
    };
    // Every parameter's gradient, as a training step computes them (and as
    // the published implementation asks: it sets requires_grad on all).
    const QStringList allParameters = model.parameterNames();
    auto setAllRequireGrad = [&](bool on) {
        for (const QString &name : allParameters)
            model.parameter(name).requires_grad_(on);
    };
    auto clearAllGrads = [&] {
        for (const QString &name : allParameters)
            model.parameter(name).mutable_grad() = at::Tensor();
    };
    // One sample at a time: a forward and a backward of each sample alone.
    auto oneAtATime = [&](bool everyWeight) {
        everyWeight ? setAllRequireGrad(true) : model.setAttentionRequiresGrad(true);
        for (int i = 0; i < kBatch; ++i) {
            const auto [one, oneMask] = sampleBatch(batchTask.samples, size_t(i), 1);
            causalLmLossPerSample(model.forward(one, oneMask), one, oneMask).sum().backward();
            for (const QString &w : weights)
                (void)model.parameter(w).grad().clone();
            clearAllGrads();
        }
        everyWeight ? setAllRequireGrad(false) : model.setAttentionRequiresGrad(false);
    };
    struct Variant
    {
        const char *name;
        std::function<void()> run;
        std::function<void()> before; // not timed
    };
    const std::vector<Variant> variants = {
        {"plain", [&] {
             model.setAttentionRequiresGrad(true);
             const at::Tensor logits = model.forward(tokens, mask);
             causalLmLossPerSample(logits, tokens, mask).sum().backward();
             clearGrads();
             model.setAttentionRequiresGrad(false);
         }, {}},
        {"plain all weights", [&] {
             setAllRequireGrad(true);
             const at::Tensor logits = model.forward(tokens, mask);
             causalLmLossPerSample(logits, tokens, mask).sum().backward();
             clearAllGrads();
             setAllRequireGrad(false);
         }, {}},
                {"per-sample", [&] { forEachPerSampleGradient(model, tokens, mask, {}, [](const PerSampleGradient &) {}); }, {}},
        // A re-run: the store's memory is the previous store's (storeMemory's
        // cache; an untimed collection before the first round fills it).
        {"in RAM", [&] { GradientCollection c = collectGradients(model, batchTask, one, inRam); },
         [&, warmedUp = false]() mutable {
             if (!std::exchange(warmedUp, true))
                 GradientCollection c = collectGradients(model, batchTask, one, inRam);
         }},
        {"spilled", [&] { GradientCollection c = collectGradients(model, batchTask, one, spilled); }, {}},
        // A first run: fresh memory, given 3 s to go back to the host (Linux
        // reports free 2 MB blocks after 2 s) as in a new session.
        {"in RAM fresh", [&] { GradientCollection c = collectGradients(model, batchTask, one, inRam); },
         [] {
             storeMemory::release();
             std::this_thread::sleep_for(std::chrono::seconds(3));
         }},
        {"one backward per sample", naiveRun, {}},
        {"one sample at a time", [&] { oneAtATime(false); }, {}},
        {"one sample at a time every weight", [&] { oneAtATime(true); }, {}},
    };
    const auto timed = [&](const Variant &v) {
        if (v.before)
            v.before();
        return secondsOf(v.run);
    };
    if (!only.isEmpty()) {
        for (int r = 0; r < repeats; ++r)
            for (const Variant &v : variants)
                if (only.split(',').contains(QLatin1String(v.name)))
                    std::printf("%s: %.3f s\n", v.name, timed(v));
        return 0;
    }
    std::map<std::string, double> best;
    for (int r = 0; r < repeats; ++r)
        for (const Variant &v : variants) {
            const double seconds = timed(v);
            best[v.name] = r == 0 ? seconds : std::min(best[v.name], seconds);
        }
    const double plain = best.at("plain"), plainEvery = best.at("plain all weights"), perSample = best.at("per-sample"),
                 collection = best.at("in RAM"), collectionSpilled = best.at("spilled"),
                 collectionFresh = best.at("in RAM fresh"), naive = best.at("one backward per sample"),
                 oneAtATimeAttention = best.at("one sample at a time"),
                 published = best.at("one sample at a time every weight");

    std::printf("batch %d x %d tokens (best of %d interleaved rounds):\n", kBatch, kLength, repeats);
    std::printf("  plain batched forward+backward           %8.3f s  (attention weights' gradients, summed)\n", plain);
    std::printf("  plain, every weight's gradient           %8.3f s  = %.2fx plain (a training step)\n", plainEvery,
                plainEvery / plain);
    std::printf("  per-sample gradients, batched            %8.3f s  = %.2fx plain (kept nowhere)\n", perSample,
                perSample / plain);
    std::printf("  collection, gradient store in RAM        %8.3f s  = %.2fx plain (every gradient in a store of %.0f MiB; "
                "its memory the last store's)\n",
                collection, collection / plain, storeBytes / mib);
    std::printf("  collection, gradient store spilled       %8.3f s  = %.2fx plain (every gradient written to disk)\n",
                collectionSpilled, collectionSpilled / plain);
    std::printf("  collection in RAM, fresh memory          %8.3f s  = %.2fx plain (a first run: no store memory cached)\n",
                collectionFresh, collectionFresh / plain);
    std::printf("  one backward per sample                  %8.3f s  = %.2fx plain (batched forward, l_i.backward() "
                "through the whole batch's graph)\n",
                naive, naive / plain);
    std::printf("  one sample at a time                     %8.3f s  = %.2fx plain (forward+backward of each sample "
                "alone, attention weights)\n",
                oneAtATimeAttention, oneAtATimeAttention / plain);
    std::printf("  one sample at a time, every weight       %8.3f s  = %.2fx plain (the published implementation's "
                "loop: batch of 1, every parameter requires grad)\n",
                published, published / plain);
    std::printf("  collection in RAM is %.2fx (on fresh memory %.2fx), the per-sample gradients %.2fx faster than one "
                "backward per sample\n",
                naive / collection, naive / collectionFresh, naive / perSample);
    std::printf("  collection in RAM is %.2fx faster than one sample at a time, %.2fx faster than the published loop "
                "(on fresh memory %.2fx, %.2fx)\n",
                oneAtATimeAttention / collection, published / collection, oneAtATimeAttention / collectionFresh,
                published / collectionFresh);
    // The rate at which this machine hands out memory the process did not
    // hold: "cold" after the pages had 3 s to be given back to the host,
    // "warm" right after they were freed.
    std::this_thread::sleep_for(std::chrono::seconds(3));
    const double cold = touchFreshMemory(size_t(1) << 30), warm = touchFreshMemory(size_t(1) << 30);
    std::printf("first touch of 1 GiB of fresh memory: %.2f s cold (%.1f GB/s), %.2f s warm (%.1f GB/s); "
                "the store's %.0f MiB at the cold rate: %.2f s\n",
                cold, 1.073741824 / cold, warm, 1.073741824 / warm, storeBytes / mib, cold * storeBytes / double(1 << 30));

    // ---- cancel latency: the same collection, cancelled at random moments ----
    if (cancels > 0) {
        std::vector<double> latencies;
        for (int run = 0; run < cancels; ++run) {
            JobContext job;
            bool cancelled = false;
            std::thread worker([&] {
                try {
                    GradientCollection c = collectGradients(model, batchTask, one, inRam, &job);
                } catch (const JobCancelled &) {
                    cancelled = true;
                }
            });
            QThread::usleep(QRandomGenerator::global()->bounded(quint32(collection * 0.95e6)));
            QElapsedTimer latency;
            latency.start();
            job.requestCancel();
            worker.join();
            if (cancelled)
                latencies.push_back(latency.nsecsElapsed() / 1e6);
        }
        std::sort(latencies.begin(), latencies.end());
        if (!latencies.empty())
            std::printf("cancel during a batch (%zu of %d runs cancelled): latency median %.0f ms, max %.0f ms\n",
                        latencies.size(), cancels, latencies[latencies.size() / 2], latencies.back());
    }
    return 0;
}
