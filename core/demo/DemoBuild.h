#pragma once
// Internal to the demo: the recipe (architecture, schedule, seed, threads)
// and the build of one demo folder. Uses LibTorch; the public, torch-free
// API is DemoModel.h.
#include "DemoModel.h"
#include "DemoNetwork.h"
#include "DemoTrainer.h"

#include <QByteArray>
#include <QString>

namespace qkov::demo {

constexpr uint64_t kDemoSeed = 20240607;
constexpr int kHeldOutRecords = 64; // per task
const QString &taskAName();         // "repeat"
const QString &taskBName();         // "add"

struct DemoRecipe
{
    DemoArchitecture architecture;
    DemoSchedule schedule;          // schedule.steps and schedule.seed as below
    int steps = 0;
    uint64_t seed = 0;
    int threads = 1;
};

// The full recipe with the options' overrides. Throws qkov::Error for a
// negative step count or a thread count below 1.
DemoRecipe recipeFor(const DemoOptions &options);

// The held-out records of each task for a seed (distinct, never trained on).
QStringList heldOutRecords(uint64_t seed, bool taskA);

// Writes every file of the demo into `dir` (which exists and is empty),
// the stamp last. Returns the info without folder paths filled in.
DemoInfo buildDemo(const QString &dir, const DemoRecipe &recipe, JobContext &job);

// The stamp (DemoModel.cpp), written atomically.
void writeStamp(const QString &dir, const DemoInfo &info);
// QSaveFile write; throws qkov::Error naming the path.
void writeFileAtomically(const QString &path, const QByteArray &bytes);

// LibTorch's intra-op thread count, and ComputeSettings{threads}.apply().
int currentComputeThreads();
void applyComputeThreads(int threads);

} // namespace qkov::demo
