#pragma once
// Fisher collection (METRIC.md 1-2): every sample of task A in record order,
// then every sample of task B, in batches of one forward and one backward
// pass each, with their per-sample attention-weight gradients written to a
// GradientStore, formed straight into the store's rows when they are in RAM
// (else into one reused buffer, then written). The store is created after the
// first batch's backward pass: the first forward tells what the engine
// captures, and the batch's measured working set (CPU tensor memory) is taken
// from the memory budget before the store gets its RAM. Progress goes to
// the JobContext ("Collecting task A", ...); a cancel takes effect between
// batches and inside the passes (before every projection of the forward, at
// every node of the backward), and unwinds everything: no spill file remains
// and no partial result is returned.
#include "FisherSettings.h"
#include "GradientStore.h"

#include <ATen/ATen.h>

#include <QString>
#include <memory>
#include <vector>

namespace qkov {

class JobContext;
struct InterventionTable;
class TransformerModel;
struct TaskDataset;
struct TaskSample;

// One gradient tensor of the collection, in capture (layer) order.
struct CollectedTensor
{
    QString name;                // checkpoint tensor name
    int layer = 0;
    QString block;               // "q", "k", "v", "o" or "qkv"
    bool bias = false;
    std::vector<int64_t> shape;  // stored layout
};

struct GradientCollection
{
    std::vector<CollectedTensor> tensors;
    int samplesA = 0;
    int samplesB = 0;
    at::Tensor lossesA;          // [n_A] float64, the per-sample losses l_i
    at::Tensor lossesB;          // [n_B]
    std::unique_ptr<GradientStore> store; // tasks "a" and "b"
    // One batch's measured tensor working set (CPU), taken from the memory
    // budget before the store's RAM share; 0 when not measured.
    qint64 batchWorkingSetBytes = 0;

    static QString taskA() { return QStringLiteral("a"); }
    static QString taskB() { return QStringLiteral("b"); }
};

// Token ids [B, T] and mask [B, T] (right padding) of samples[first, first+count).
std::pair<at::Tensor, at::Tensor> sampleBatch(const std::vector<TaskSample> &samples, size_t first,
                                              size_t count);

// Throws JobCancelled on cancel, qkov::Error for bad settings or spill failures.
GradientCollection collectGradients(TransformerModel &model, const TaskDataset &taskA,
                                    const TaskDataset &taskB, const FisherSettings &settings,
                                    JobContext *job = nullptr,
                                    const InterventionTable *interventions = nullptr);

} // namespace qkov
