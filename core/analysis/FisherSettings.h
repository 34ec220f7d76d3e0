#pragma once
// Every setting of gradient collection and of the Fisher reference, with the
// defaults of METRIC.md sections 1-2 (shown in the GUI and in `qkov --help`).
#include <QString>
#include <QtGlobal>

namespace qkov {

enum class GradientStorage { Float32, BFloat16 };
enum class FisherMode { Mean, Ema };
enum class FisherReferenceSet { Pooled, TaskA };

QString gradientStorageName(GradientStorage s); // "float32" / "bfloat16"
QString fisherModeName(FisherMode m);           // "mean" / "ema"
QString fisherReferenceName(FisherReferenceSet r); // "pooled" / "a"

struct FisherSettings
{
    // Samples (METRIC.md 1).
    int maxLength = 128;        // tokens per sample
    int maxSamples = 0;         // per task, 0 = all records
    int batchSize = 8;          // samples per batched forward/backward
    bool includeBias = false;   // Q/K/V biases (never the O bias)

    // Where the per-sample gradients live.
    qint64 memoryBudgetBytes = qint64(4) << 30; // beyond this, spill to disk
    GradientStorage storage = GradientStorage::Float32;
    QString spillDirectory;     // "" = <user cache folder>/gradients

    // The Fisher reference (METRIC.md 2).
    FisherMode mode = FisherMode::Mean;
    double beta = 0.99;         // ema only
    FisherReferenceSet reference = FisherReferenceSet::Pooled;
    double epsilon = 1e-30;
    double ridgeRel = 1e-3;
    double ridgeAbs = 0.0;

    // Throws qkov::Error naming the setting for values out of range.
    void validate() const;
};

} // namespace qkov
