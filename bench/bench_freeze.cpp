// Circuit freezing on stories260K: the latency of one GUI click (toggle a
// head's QK circuit, probe the prompt again; median of 50) and the time of a
// whole QK sweep over every head, both measured in this run, next to the
// plain forward pass they are built from.
// LibTorch first: its headers use names Qt defines as macros (slots).
#include <ATen/ATen.h>

#include "Error.h"
#include "engine/ComputeSettings.h"
#include "engine/TransformerModel.h"
#include "freeze/FreezeProbe.h"
#include "model/ModelLoader.h"
#include "tokenizer/Tokenizer.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

#include <algorithm>
#include <vector>

using namespace qkov;

namespace {

double medianMs(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    const QString path = argc > 1 ? QString::fromLocal8Bit(argv[1])
                                  : QStringLiteral(QKOV_SHARED_DIR "/models/stories260K");
    try {
        ComputeSettings compute;
        compute.threads = argc > 2 ? QString::fromLocal8Bit(argv[2]).toInt() : 0;
        compute.apply();
        const LoadedModel loaded = loadModel(path);
        const TransformerModel model(loaded);
        const auto tokenizer = Tokenizer::fromFolder(path);
        const QString prompt = QStringLiteral("Once upon a time, there was a little girl named Lily. She loved to play outside.");
        FreezeProbe probe(model, tokenizer.get());
        probe.setText(prompt);
        const int T = int(probe.sequences().front().size());
        constexpr int runs = 50;

        std::vector<double> forwardMs, clickMs;
        const at::Tensor ids = at::tensor(std::vector<int64_t>(probe.sequences().front().begin(), probe.sequences().front().end()), at::kLong).unsqueeze(0);
        for (int i = 0; i < runs; ++i) {
            QElapsedTimer t;
            t.start();
            at::NoGradGuard noGrad;
            model.forward(ids);
            forwardMs.push_back(t.nsecsElapsed() / 1e6);
        }
        probe.run(FreezeSet()); // the cached baseline, as after the first click
        FreezeSet set;
        for (int i = 0; i < runs; ++i) {
            FreezeEntry e;
            e.layer = i % model.numLayers();
            e.head = (i / model.numLayers()) % model.numHeads();
            QElapsedTimer t;
            t.start();
            set.toggle(e);
            const ProbeResult r = probe.run(set);
            clickMs.push_back(t.nsecsElapsed() / 1e6);
            set.toggle(e);
            if (r.samples.empty())
                return 1;
        }
        QElapsedTimer sweepTimer;
        sweepTimer.start();
        const std::vector<SweepRow> rows = probe.sweep(FreezeCircuit::QK);
        const double sweepMs = sweepTimer.nsecsElapsed() / 1e6;

        out << "bench_freeze: " << path << ", prompt of " << T << " tokens, "
            << compute.effectiveThreads() << " threads\n";
        out << QStringLiteral("  plain forward pass       median %1 ms\n").arg(medianMs(forwardMs), 0, 'f', 3);
        out << QStringLiteral("  toggle + probe (click)   median %1 ms  (%2 x the forward pass)\n")
                   .arg(medianMs(clickMs), 0, 'f', 3).arg(medianMs(clickMs) / medianMs(forwardMs), 0, 'f', 2);
        out << QStringLiteral("  QK sweep over %1 heads   %2 ms  (%3 ms per head)\n")
                   .arg(rows.size()).arg(sweepMs, 0, 'f', 1).arg(sweepMs / double(rows.size()), 0, 'f', 3);
    } catch (const Error &e) {
        QTextStream(stderr) << "bench_freeze: " << e.message() << "\n";
        return 1;
    }
    return 0;
}
