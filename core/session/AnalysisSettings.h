#pragma once
// Every setting of an analysis (METRIC.md), with its default. One plain
// struct shared by the CLI flags, the GUI's settings panel and the session
// file; the analysis stages read their own parts of it.
#include <QJsonObject>
#include <QString>
#include <cstdint>

namespace qkov {

struct AnalysisSettings
{
    // Samples (METRIC.md 1)
    int maxLength = 128;          // tokens per sample after truncation
    int maxSamples = 0;           // per task; 0 = all records
    int batchSize = 8;
    bool includeBias = false;     // Q/K/V biases row-sliced like their weights
    // Fisher reference (METRIC.md 2)
    QString fisher = QStringLiteral("mean");        // mean | ema
    double beta = 0.99;
    QString fisherRef = QStringLiteral("pooled");   // pooled | a
    double epsilon = 1e-30;
    double ridgeRel = 1e-3;
    double ridgeAbs = 0.0;
    // Scores (METRIC.md 4)
    QString variant = QStringLiteral("abs");        // abs | signed | symmetric
    int topK = 50;
    // Statistics (METRIC.md 5)
    int permutations = 1000;
    int bootstrap = 1000;
    double alpha = 0.05;
    double minEffect = 0.2;
    QString fdrFamily = QStringLiteral("block");    // block | all
    uint64_t seed = 0;
    // Resources
    int threads = 0;              // 0 = all cores
    int64_t memoryBudgetMB = 4096;
    QString gradientStorage = QStringLiteral("float32"); // float32 | bfloat16
    QString device = QStringLiteral("cpu");
    // Freezing applied during collection (CLI SPEC syntax), "" = none
    QString freeze;

    QJsonObject toJson() const;
    // Missing keys keep their defaults; wrong types or values throw qkov::Error(where, ...).
    static AnalysisSettings fromJson(const QJsonObject &json, const QString &where);
    // Checks every value's range and choice; throws qkov::Error naming the CLI flag.
    void validate() const;
};

} // namespace qkov
