#pragma once
// The result of one analysis as plain data (no LibTorch), as it travels to
// the views over queued signals and into the session file (SESSION.md).
#include "AnalysisSettings.h"

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>
#include <array>
#include <cstdint>
#include <vector>

namespace qkov {

struct TaskSummary
{
    QString name;                 // "task A" or the user's name
    QString path;                 // dataset file (absolute)
    QString sha256;               // of the file's bytes
    QStringList sampleIds;        // per sample, in collection order
    QStringList previews;         // per sample, one-line text preview
    int n() const { return int(sampleIds.size()); }
};

// One block (Q, K, V or O); [L, H] arrays are row-major layer-major.
struct BlockResult
{
    QString block;                // "Q", "K", "V", "O"
    std::vector<float> scores;    // [nA, nB, L, H]
    std::vector<float> heatmap;   // [L, H] mean over sample pairs
    std::vector<double> pvalue, qvalue, z, ratio, ciLow, ciHigh; // [L, H]
    std::vector<uint8_t> flagged; // [L, H]
    double ridgeDominatedShare = 0; // share of entries where lambda > I
};

struct ConflictEntry
{
    QString block;
    int layer = 0;
    int head = 0;
    int sampleA = 0;              // index into TaskSummary::sampleIds of task A
    int sampleB = 0;
    double score = 0;
};

// A tensor in the checkpoint's own layout (Fisher reference, optional gradients).
struct NamedTensor
{
    std::vector<int64_t> shape;
    std::vector<float> values;
};

struct AnalysisResult
{
    QString modelPath;            // absolute
    QString modelSha256;          // SHA-256 over the safetensors headers
    QString architecture;
    int layers = 0;
    int heads = 0;
    int kvHeads = 0;
    TaskSummary taskA, taskB;
    AnalysisSettings settings;
    std::array<BlockResult, 4> blocks; // Q, K, V, O
    std::vector<ConflictEntry> topConflicts;
    QMap<QString, NamedTensor> fisher;  // checkpoint tensor name -> I (before the ridge)
    // Optional: "grad.<task>.<name>" -> [n, ...], <task> "a" or "b", n that task's sample count.
    QMap<QString, NamedTensor> gradients;
    QMap<QString, double> timings;      // stage -> seconds
    QStringList warnings;         // METRIC.md warnings (degenerate reference, ridge dominance, ...)
    QJsonObject uiState;          // open views, selected head, thresholds (the GUI's own)
    QString freezeSet;            // the views' current freeze set (CLI SPEC syntax), "" = none
    QMap<QString, uint64_t> seeds; // stage ("permutation", "bootstrap", ...) -> seed actually used

    bool isEmpty() const { return blocks[0].heatmap.empty(); }
    int nA() const { return taskA.n(); }
    int nB() const { return taskB.n(); }
    static int blockIndex(const QString &block); // "Q" -> 0 ... "O" -> 3, -1 otherwise
    static QString blockName(int index);         // 0 -> "Q" ... 3 -> "O"
};

} // namespace qkov
