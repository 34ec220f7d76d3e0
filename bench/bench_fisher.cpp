// Fisher collection speed and memory on a GPT-2-small-shaped random LLaMA
// (12 layers, 12 heads, width 768, batch 8 x 128 tokens, 2 threads):
//  1. plain batched forward + backward (summed attention-weight gradients),
//  2. per-sample gradients, batched (one forward, one backward, one bmm per
//     projection), also with the writes into the gradient store,
//  3. one backward per sample (batched forward, then l_i.backward() for each
//     i with the graph retained: what a naive implementation does);
// then a memory run: a 512 MB budget on >= 2 GB of gradients, peak RSS from
// /proc/self/status (VmHWM, reset before the run).
//   bench_fisher [--vocab N] [--repeats N]
#include "TinyLlama.h"
#include "analysis/GradientCollector.h"
#include "analysis/PerSampleGradients.h"
#include "data/TaskDataset.h"
#include "engine/ComputeSettings.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QStandardPaths>

#include <algorithm>
#include <cstdio>

using namespace qkov;
using namespace qkov::test;

namespace {

constexpr int kBatch = 8, kLength = 128;

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

bool resetPeakRss()
{
    QFile f(QStringLiteral("/proc/self/clear_refs"));
    return f.open(QIODevice::WriteOnly) && f.write("5") == 1;
}

template <typename F>
double bestSeconds(int repeats, F &&run)
{
    double best = 1e300;
    for (int r = 0; r < repeats; ++r) {
        QElapsedTimer t;
        t.start();
        run();
        best = std::min(best, t.nsecsElapsed() / 1e9);
    }
    return best;
}

TaskDataset randomTask(int n, int length, int vocab, uint64_t seed)
{
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    TaskDataset d;
    d.path = QStringLiteral("random");
    for (int i = 0; i < n; ++i) {
        TaskSample s;
        s.id = QString::number(i);
        const at::Tensor ids = at::randint(1, vocab, {length}, gen, at::kLong);
        for (int64_t t = 0; t < length; ++t)
            s.tokens.push_back(int(ids[t].item<int64_t>()));
        d.samples.push_back(std::move(s));
    }
    return d;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("qkov"));
    int vocab = 8192, repeats = 2;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--vocab"))
            vocab = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--repeats"))
            repeats = std::max(1, args[i + 1].toInt());
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

    // ---- memory run (first, so the timing runs do not set the peak) ----
    {
        const int perTask = 10, memoryLength = 32;
        const TaskDataset a = randomTask(perTask, memoryLength, vocab, 1), b = randomTask(perTask, memoryLength, vocab, 2);
        FisherSettings s;
        s.batchSize = kBatch;
        s.memoryBudgetBytes = qint64(512) << 20;
        const qint64 before = statusKiB("VmRSS:");
        const bool reset = resetPeakRss();
        QElapsedTimer t;
        t.start();
        GradientCollection c = collectGradients(model, a, b, s);
        const double seconds = t.nsecsElapsed() / 1e9;
        const qint64 total = c.store->residentBytes() + c.store->spilledBytes();
        std::printf("memory run: %d + %d samples x %d tokens, %.2f GiB of gradients, budget 512 MiB: "
                    "%.0f MiB in RAM, %.0f MiB spilled to %s\n",
                    perTask, perTask, memoryLength, total / double(1 << 30), c.store->residentBytes() / double(1 << 20),
                    c.store->spilledBytes() / double(1 << 20), qPrintable(c.store->spillPath()));
        std::printf("  RSS before %.0f MiB; peak RSS during the collection (VmHWM%s) %.0f MiB; %.1f s\n",
                    before / 1024.0, reset ? ", reset before it" : ", NOT reset: includes loading",
                    statusKiB("VmHWM:") / 1024.0, seconds);
    }

    // ---- timing runs ----
    const TaskDataset batchTask = randomTask(kBatch, kLength, vocab, 3);
    const auto [tokens, mask] = sampleBatch(batchTask.samples, 0, kBatch);
    const QStringList weights = model.attentionWeightNames();
    auto clearGrads = [&] {
        for (const QString &w : weights)
            model.parameter(w).mutable_grad() = at::Tensor();
    };

    model.setAttentionRequiresGrad(true);
    const double plain = bestSeconds(repeats, [&] {
        const at::Tensor logits = model.forward(tokens, mask);
        causalLmLossPerSample(logits, tokens, mask).sum().backward();
        clearGrads();
    });
    model.setAttentionRequiresGrad(false);

    const double perSample = bestSeconds(repeats, [&] {
        forEachPerSampleGradient(model, tokens, mask, {}, [](const PerSampleGradient &) {});
    });
    FisherSettings inRam;
    inRam.batchSize = kBatch;
    const TaskDataset one = randomTask(1, 2, vocab, 4);
    const double collection = bestSeconds(repeats, [&] {
        GradientCollection c = collectGradients(model, batchTask, one, inRam);
    });

    model.setAttentionRequiresGrad(true);
    const double naive = bestSeconds(1, [&] {
        const at::Tensor logits = model.forward(tokens, mask);
        const at::Tensor losses = causalLmLossPerSample(logits, tokens, mask);
        for (int i = 0; i < kBatch; ++i) {
            losses[i].backward({}, /*retain_graph=*/i + 1 < kBatch);
            for (const QString &w : weights)
                (void)model.parameter(w).grad().clone(); // this sample's gradient
            clearGrads();
        }
    });
    model.setAttentionRequiresGrad(false);

    std::printf("batch %d x %d tokens (best of %d):\n", kBatch, kLength, repeats);
    std::printf("  plain batched forward+backward          %8.3f s\n", plain);
    std::printf("  per-sample gradients, batched            %8.3f s  = %.2fx plain\n", perSample, perSample / plain);
    std::printf("  collection incl. gradient store writes   %8.3f s  = %.2fx plain (includes a 1-sample task B)\n",
                collection, collection / plain);
    std::printf("  one backward per sample                  %8.3f s  = %.2fx plain\n", naive, naive / plain);
    std::printf("  per-sample batched is %.1fx faster than one backward per sample\n", naive / perSample);
    return 0;
}
