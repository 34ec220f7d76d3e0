#pragma once
// The probe for the workbench, behind a LibTorch-free interface: the GUI
// asks "baseline against this freeze set, on this prompt" from a job and
// gets plain numbers back. One service per open model; it keeps the engine,
// the tokenizer, the cached baseline run and the reference activations (for
// mean/noise/resample freezing) between calls.
#include "freeze/FreezeSet.h"

#include <QString>
#include <QStringList>
#include <memory>
#include <mutex>
#include <vector>

namespace qkov {

class JobContext;
struct LoadedModel;

struct ProbeNextToken
{
    QString text;
    int id = 0;
    double probability = 0;
};

struct ProbeView
{
    QStringList tokens;               // the prompt's tokens, as text
    double baselineLoss = 0;
    double frozenLoss = 0;
    std::vector<ProbeNextToken> baselineTop, frozenTop; // next token after the prompt
    int layers = 0, heads = 0;
    std::vector<double> patternChange; // [layers * heads] mean total variation
    int layer = -1, head = -1;        // the head whose patterns follow
    std::vector<float> baselinePattern, frozenPattern; // [T * T] query rows x key columns
    int frozenHeads = 0;
};

class ProbeService
{
public:
    // Builds the engine for `model` (float32, CPU). Throws qkov::Error.
    explicit ProbeService(const LoadedModel &model);
    ~ProbeService();

    // Baseline against `freeze` on `prompt`; the patterns of (layer, head)
    // are returned when both are >= 0. Mean/noise/resample entries use
    // reference activations of `referenceTexts` (computed once and cached).
    // Thread-safe (calls are serialised); throws qkov::Error or JobCancelled.
    ProbeView run(const QString &prompt, const FreezeSet &freeze, int layer, int head,
                  const QStringList &referenceTexts = {}, JobContext *job = nullptr);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
    std::mutex m_mutex;
};

} // namespace qkov
