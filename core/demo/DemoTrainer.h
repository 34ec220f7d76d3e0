#pragma once
// Training of the demo network: fresh records of both tasks every step
// (never a held-out record), a hand-written Adam with linear warmup and
// cosine decay, gradient-norm clipping. Deterministic for a given seed and
// thread count: all randomness comes from the seed.
#include "DemoNetwork.h"

#include <QStringList>
#include <cstdint>
#include <vector>

namespace qkov {
class JobContext;
class Tokenizer;
}

namespace qkov::demo {

struct DemoSchedule
{
    int steps = 1000;
    int recordsPerTask = 16;      // per step: a batch holds both tasks
    double learningRate = 3e-3;   // peak
    int warmupSteps = 100;        // linear from 0
    double finalLearningRate = 3e-4; // cosine decay reaches this at the last step
    double beta1 = 0.9, beta2 = 0.98, adamEpsilon = 1e-8;
    double clipNorm = 1.0;
    uint64_t seed = 1;            // weights and the training stream

    double learningRateAt(int step) const; // step 0-based
};

struct DemoTrainingResult
{
    double lossA = 0.0;  // mean per-sample held-out loss after training
    double lossB = 0.0;
    double finalTrainingLoss = 0.0; // mean of the last 50 steps' batch losses
};

// Tokenizes records with `tokenizer` (special tokens added, as the engine's
// datasets do).
std::vector<std::vector<int>> encodeRecords(const QStringList &records, const Tokenizer &tokenizer);

// Mean per-sample loss of `network` on `sequences` (no gradients).
double meanLoss(const DemoNetwork &network, const std::vector<std::vector<int>> &sequences);

// Trains in place. Progress: the fraction of steps done; cancellation is
// checked every step (throws JobCancelled).
DemoTrainingResult trainDemoNetwork(DemoNetwork &network, const Tokenizer &tokenizer,
                                    const DemoSchedule &schedule, const QStringList &heldOutA,
                                    const QStringList &heldOutB, JobContext &job);

} // namespace qkov::demo
