#pragma once
// The embedded demo (docs/DEMO.md): a small grouped-query LLaMA trained on
// the spot, deterministically, on two synthetic tasks whose circuits are
// known (task A "repeat": an induction circuit; task B "add": single-digit
// sums), written as a standard HuggingFace folder with held-out task files.
// Torch-free: the GUI and the CLI include this header.
#include <QJsonArray>
#include <QString>
#include <cstdint>
#include <optional>
#include <vector>

namespace qkov {

class JobContext;

// Bump when anything that changes the trained folder changes (tasks,
// architecture, schedule, file layout): older folders are then rebuilt.
constexpr int kDemoVersion = 1;
// The stamp written last into a finished folder.
constexpr const char *kDemoStampFile = "qkov-demo.json";

struct DemoHead
{
    int layer = 0;
    int head = 0;
    double score = 0.0; // mean attention on the circuit's target key
};

struct DemoInfo
{
    QString folder;             // the HuggingFace model folder (also holds the task files)
    QString taskAName, taskBName; // "repeat", "add"
    QString taskAPath, taskBPath; // task_a.txt, task_b.txt: one held-out record a line
    double taskALoss = 0.0;     // held-out mean per-sample loss (nats per token)
    double taskBLoss = 0.0;
    std::vector<DemoHead> inductionHeads;     // by the rule of DemoCircuits.h, best first
    std::vector<DemoHead> previousTokenHeads;
    bool trained = false;       // true when this call trained; false when the folder was current
    double trainingSeconds = 0.0; // of the training that built the folder
    int version = 0;
    int steps = 0;
    uint64_t seed = 0;
    int threads = 0;
};

struct DemoOptions
{
    bool force = false;   // rebuild even when the folder is current
    int steps = 0;        // 0 = the demo's full schedule; fewer only for tests
    uint64_t seed = 0;    // 0 = the demo's seed
    int threads = 1;      // compute threads while training (part of the recipe:
                          // same seed + same threads = bit-identical weights).
                          // One: the network is too small to gain from more,
                          // and spinning thread pools crawl on a busy machine.
};

// <GenericDataLocation>/qkov/demo, e.g. ~/.local/share/qkov/demo.
QString demoFolder();

// True when `dir` holds a finished demo of this version built with the
// recipe of `options` (steps, seed, threads), every file present and the
// weights matching the stamp's checksum.
bool demoIsCurrent(const QString &dir, const DemoOptions &options = {});

// The stamp of a current folder (no training, no LibTorch work), or nullopt.
std::optional<DemoInfo> readDemo(const QString &dir, const DemoOptions &options = {});

// Returns the folder's info at once when it is current (unless options.force);
// otherwise trains into a temporary sibling folder and renames it into place,
// so that a cancel, an error or a killed process never leaves a folder that
// looks complete. Reports stages and progress through `job` and throws
// JobCancelled when cancelled (nothing is left behind). Throws qkov::Error
// naming `dir` when it cannot be written or exists and is not a demo folder.
DemoInfo ensureDemo(const QString &dir, JobContext &job, const DemoOptions &options = {});

// Heads as [{layer, head, score}], the stamp's and `qkov demo --json`'s form.
QJsonArray demoHeadsToJson(const std::vector<DemoHead> &heads);

} // namespace qkov
