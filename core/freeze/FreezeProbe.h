#pragma once
// The effect of a freeze set, baseline against frozen, on a prompt or a set
// of token sequences: per-sample loss, the top next tokens at the last
// position, every head's attention pattern and how much it moved. The
// baseline run is cached for the same inputs, so that a GUI click (toggle a
// head, probe again) costs one frozen forward pass.
#include "FreezeInterventions.h"
#include "FreezeSet.h"

#include <ATen/ATen.h>

#include <QString>
#include <vector>

namespace qkov {

class FreezeReference;
class JobContext;
class Tokenizer;
class TransformerModel;

struct ProbeToken
{
    int64_t id = 0;
    QString text;        // the tokenizer's decoding of the id ("" without a tokenizer)
    double probability = 0.0;
};

struct ProbeSample
{
    int64_t length = 0;  // real tokens
    double baselineLoss = 0.0;
    double frozenLoss = 0.0;
    std::vector<ProbeToken> baselineTop; // next tokens at the last real position
    std::vector<ProbeToken> frozenTop;
};

struct ProbeResult
{
    std::vector<ProbeSample> samples;
    double baselineMeanLoss = 0.0;
    double frozenMeanLoss = 0.0;
    double meanLossDifference = 0.0; // mean over samples of frozen - baseline
    // [L, H] double: per head, the total variation distance between its
    // baseline and frozen patterns (0.5 * sum over keys of |p - p'|),
    // averaged over the real query positions of every sample.
    at::Tensor patternChange;
    // Per layer [N, H, T, T] on the CPU (T = the longest sequence), when
    // ProbeOptions::keepPatterns.
    std::vector<at::Tensor> baselinePatterns;
    std::vector<at::Tensor> frozenPatterns;
};

struct ProbeOptions
{
    int topK = 5;
    int batchSize = 16;
    bool keepPatterns = true;
};

struct SweepRow
{
    int layer = 0;
    int head = 0;
    double baselineLoss = 0.0; // mean over samples
    double frozenLoss = 0.0;
    double lossIncrease = 0.0; // frozen - baseline
};

class FreezeProbe
{
public:
    // The model (and tokenizer, which may be null) must outlive the probe.
    FreezeProbe(const TransformerModel &model, const Tokenizer *tokenizer = nullptr,
                const ProbeOptions &options = {});
    ~FreezeProbe();

    // The inputs to probe; the cached baseline is kept when they are the
    // same. Throws qkov::Error("tokens", ...) for an empty set or sequence.
    void setSequences(const std::vector<std::vector<int>> &sequences);
    // Tokenizes `text` with special tokens (needs a tokenizer).
    void setText(const QString &text);
    const std::vector<std::vector<int>> &sequences() const { return m_sequences; }

    // Baseline against `set` frozen. `reference` serves mean, noise and
    // resample entries (see freezeInterventions()).
    ProbeResult run(const FreezeSet &set, const FreezeReference *reference = nullptr,
                    JobContext *job = nullptr);

    // Freezes each head alone in turn (circuit and method as given, with the
    // sigma and seed taken from `like`) and returns one row per
    // head, sorted by loss increase, largest first.
    std::vector<SweepRow> sweep(FreezeCircuit circuit, FreezeMethod method = FreezeMethod::Zero,
                                const FreezeReference *reference = nullptr, JobContext *job = nullptr,
                                const FreezeSet &like = {});

private:
    struct Baseline;
    const Baseline &baseline(JobContext *job);
    std::vector<ProbeToken> topTokens(const at::Tensor &logits) const;

    const TransformerModel &m_model;
    const Tokenizer *m_tokenizer = nullptr;
    ProbeOptions m_options;
    std::vector<std::vector<int>> m_sequences;
    int64_t m_width = 0; // the longest sequence: every batch is this wide
    std::unique_ptr<Baseline> m_baseline;
};

} // namespace qkov
