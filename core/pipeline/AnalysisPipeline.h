#pragma once
// The whole analysis, headless: tokenization, per-sample gradient
// collection, the Fisher reference, interference scores per (layer, block),
// statistics per head, top conflicts (METRIC.md 1-5). Used by `qkov analyze`
// and by the workbench's analysis job alike; returns plain data.
#include "model/ModelLoader.h"
#include "session/AnalysisResult.h"

#include <QString>

namespace qkov {

class JobContext;

struct TaskSpec
{
    QString name;   // "task A" when empty
    QString path;   // dataset file
};

struct AnalysisRequest
{
    QString modelPath;
    LoadOptions loadOptions;
    TaskSpec taskA, taskB;
    AnalysisSettings settings;
};

// Throws qkov::Error (bad model, dataset or setting) or JobCancelled.
AnalysisResult runAnalysis(const AnalysisRequest &request, JobContext *job = nullptr);
// The same on an already loaded model (the workbench keeps one open).
AnalysisResult runAnalysis(const LoadedModel &model, const AnalysisRequest &request, JobContext *job = nullptr);

// A finished analysis leaves its gradient store's memory to the next run
// (a re-run of the same tasks writes into it instead of fresh memory:
// analysis/StoreMemory.h), and every job leaves the CPU allocator's cached
// large blocks (engine/CpuMemoryMeter.h). This gives both back to the system.
void releaseAnalysisMemory();

} // namespace qkov
