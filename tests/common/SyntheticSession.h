#pragma once
// A complete AnalysisResult filled with seeded random values, for session
// file and `qkov session` tests: every field set, non-default settings.
#include "session/AnalysisResult.h"

#include <QRandomGenerator>

#include <cmath>
#include <limits>

namespace qkov::test {

inline AnalysisResult syntheticResult(int nA = 3, int nB = 4, int layers = 2, int heads = 3, quint32 seed = 11)
{
    QRandomGenerator rng(seed);
    const auto uniform = [&](double low, double high) { return low + (high - low) * rng.generateDouble(); };
    AnalysisResult r;
    r.modelPath = QStringLiteral("/nonexistent/models/synthetic");
    r.modelSha256 = QStringLiteral("00ff").repeated(16);
    r.architecture = QStringLiteral("llama");
    r.layers = layers;
    r.heads = heads;
    r.kvHeads = heads % 2 == 0 ? heads / 2 : heads;
    r.taskA.name = QStringLiteral("math");
    r.taskB.name = QStringLiteral("poetry \u00e9");
    for (int i = 0; i < nA; ++i) {
        r.taskA.sampleIds << QStringLiteral("a-%1").arg(i * 7);
        r.taskA.previews << QStringLiteral("two plus %1 is").arg(i);
    }
    for (int j = 0; j < nB; ++j) {
        r.taskB.sampleIds << QString::number(j);
        r.taskB.previews << QStringLiteral("roses are \"red\" #%1").arg(j);
    }
    r.taskA.path = QStringLiteral("/nonexistent/data/a.jsonl");
    r.taskA.sha256 = QStringLiteral("ab").repeated(32);
    r.taskB.path = QStringLiteral("/nonexistent/data/b.txt");
    r.taskB.sha256 = QStringLiteral("cd").repeated(32);

    r.settings.maxLength = 64;
    r.settings.fisher = QStringLiteral("ema");
    r.settings.beta = 0.95;
    r.settings.fisherRef = QStringLiteral("a");
    r.settings.ridgeRel = 2.5e-3;
    r.settings.variant = QStringLiteral("signed");
    r.settings.permutations = 200;
    r.settings.bootstrap = 300;
    r.settings.alpha = 0.1;
    r.settings.fdrFamily = QStringLiteral("all");
    r.settings.seed = 18446744073709551557ull; // past 2^53: must survive JSON exactly
    r.settings.memoryBudgetMB = 512;
    r.settings.gradientStorage = QStringLiteral("bfloat16");
    r.settings.freeze = QStringLiteral("L1.H2:qk");

    const size_t cells = size_t(layers) * size_t(heads);
    for (int b = 0; b < 4; ++b) {
        BlockResult &block = r.blocks[size_t(b)];
        block.block = AnalysisResult::blockName(b);
        block.scores.resize(size_t(nA) * size_t(nB) * cells);
        for (float &v : block.scores)
            v = float(uniform(0, 1e-3));
        block.heatmap.resize(cells);
        for (float &v : block.heatmap)
            v = float(uniform(0, 1e-3));
        for (auto *probability : {&block.pvalue, &block.qvalue}) {
            probability->resize(cells);
            for (double &v : *probability)
                v = uniform(0, 1);
        }
        for (auto *stat : {&block.z, &block.ratio, &block.ciLow, &block.ciHigh}) {
            stat->resize(cells);
            for (double &v : *stat)
                v = uniform(-3, 3);
        }
        block.flagged.resize(cells);
        for (uint8_t &f : block.flagged)
            f = uint8_t(rng.bounded(2));
        block.ridgeDominatedShare = uniform(0, 1);
    }
    // A degenerate null gives z = NaN; the file must keep it bit for bit.
    r.blocks[2].z[1] = std::numeric_limits<double>::quiet_NaN();

    for (int k = 0; k < 5; ++k)
        r.topConflicts.push_back({AnalysisResult::blockName(k % 4), k % layers, (k + 1) % heads, k % nA, (k + 2) % nB, uniform(0, 1)});

    const auto randomTensor = [&](std::vector<int64_t> shape) {
        NamedTensor t;
        int64_t n = 1;
        for (int64_t d : shape)
            n *= d;
        t.shape = std::move(shape);
        t.values.resize(size_t(n));
        for (float &v : t.values)
            v = float(uniform(0, 1));
        return t;
    };
    r.fisher.insert(QStringLiteral("model.layers.0.self_attn.q_proj.weight"), randomTensor({6, 4}));
    r.fisher.insert(QStringLiteral("model.layers.1.self_attn.o_proj.weight"), randomTensor({4, 6}));
    r.gradients.insert(QStringLiteral("grad.a.model.layers.0.self_attn.q_proj.weight"), randomTensor({nA, 6, 4}));

    r.timings.insert(QStringLiteral("collect"), 1.25);
    r.timings.insert(QStringLiteral("statistics"), 0.5);
    r.warnings << QStringLiteral("Fisher reference 'a' with mean degenerates: scores reflect only task B's gradient mass.");
    r.uiState = QJsonObject{{QStringLiteral("selected_head"), QJsonObject{{QStringLiteral("layer"), 1}, {QStringLiteral("head"), 2}}},
                            {QStringLiteral("threshold"), 0.05}};
    r.freezeSet = QStringLiteral("L0.H1:ov:mean");
    r.seeds.insert(QStringLiteral("permutation"), 42);
    r.seeds.insert(QStringLiteral("bootstrap"), 18446744073709551615ull);
    return r;
}

} // namespace qkov::test
