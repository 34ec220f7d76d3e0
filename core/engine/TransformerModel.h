#pragma once
// A loaded checkpoint turned into a runnable network: weights as LibTorch
// tensors on the chosen device and dtype, one forward pass per family (see
// EngineFamily.h), all attention through the shared AttentionCore.
#include "Interventions.h"
#include "model/ModelLoader.h"

#include <ATen/ATen.h>

#include <QHash>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>
#include <vector>

namespace qkov {

class EngineNetwork;

struct EngineOptions
{
    c10::Device device = c10::Device(c10::DeviceType::CPU);
    at::ScalarType dtype = at::kFloat; // kFloat, or kDouble for exact checks
};

struct ForwardOptions
{
    InterventionTable interventions;
    // Keep every Q/K/V/O projection's input and output (see CapturedProjection).
    bool captureProjections = false;
    // Called at the points where a long pass can be interrupted (e.g. by
    // throwing JobCancelled): before every Q/K/V/O projection, before and
    // inside every MLP, and between the LM head's chunks, so that no stretch
    // without one is longer than one projection-sized GEMM.
    std::function<void()> cancelPoint;
};

// One projection's activations, for per-sample gradients (METRIC.md 1):
// for y = W x, G_i = sum_t delta_{i,t} x_{i,t}^T with delta = dl/dy.
struct CapturedProjection
{
    int layer = 0;
    QString block;              // "q", "k", "v", "o", or "qkv" for a fused tensor
    QString weight;             // checkpoint tensor name (TransformerModel::parameter)
    bool transposedStorage = false; // GPT-2 Conv1D: the weight is stored [in, out]
    at::Tensor input;           // [B, T, in], detached
    at::Tensor output;          // [B, T, out], in the graph; retain_grad() was called when it requires grad

    // [B, out, in] (or [B, in, out] for transposed storage: always the
    // stored layout), from output.grad() after backward of sum_i l_i.
    // Throws qkov::Error when no gradient reached the output.
    at::Tensor perSampleWeightGradient() const;
};

struct ForwardRecord
{
    AttentionCapture attention;                 // filled per interventions.capture
    std::vector<CapturedProjection> projections; // filled when captureProjections
};

class TransformerModel
{
public:
    // Throws qkov::Error naming the checkpoint: no config, an architecture no
    // engine family runs, missing or mis-shaped tensors, unsupported settings.
    explicit TransformerModel(const LoadedModel &model, const EngineOptions &options = {});
    ~TransformerModel();
    TransformerModel(const TransformerModel &) = delete;
    TransformerModel &operator=(const TransformerModel &) = delete;

    const ModelConfig &config() const { return m_config; }
    const ModelStructure &structure() const { return m_structure; }
    const EngineOptions &options() const { return m_options; }
    QString family() const { return m_family; } // engine family id, e.g. "llama"
    int numLayers() const { return m_config.numLayers; }
    int numHeads() const { return m_config.numHeads; }
    int numKvHeads() const { return m_config.numKvHeads; }
    int headDim() const { return m_config.headDim; }
    int vocabSize() const { return m_config.vocabSize; }

    // tokens [B, T] integer ids; mask [B, T] (nonzero = real token, right
    // padding); undefined mask = all real. Returns logits [B, T, V] in the
    // engine dtype. Throws qkov::Error for out-of-range ids, bad shapes or
    // interventions naming a missing layer/head.
    at::Tensor forward(const at::Tensor &tokens, const at::Tensor &mask = {},
                       const ForwardOptions &options = {}, ForwardRecord *record = nullptr) const;

    // The engine's tensor for a checkpoint tensor name (shared with the
    // network: gradients appear on it); undefined when the engine has none.
    at::Tensor parameter(const QString &checkpointName) const;
    QStringList parameterNames() const;
    // Q, K, V, O weight tensors of every attention layer (checkpoint names).
    QStringList attentionWeightNames() const;
    void setAttentionRequiresGrad(bool requiresGrad);

private:
    ModelConfig m_config;
    ModelStructure m_structure;
    EngineOptions m_options;
    QString m_family;
    QString m_where;
    QHash<QString, at::Tensor> m_parameters;
    QStringList m_attentionWeights;
    std::unique_ptr<EngineNetwork> m_network;
};

// Per-sample causal LM loss [B] (METRIC.md 1): mean over t of
// CE(logits_t, token_{t+1}) where both positions are real; computed in at
// least float32. A sample with fewer than 2 real tokens gets 0.
at::Tensor causalLmLossPerSample(const at::Tensor &logits, const at::Tensor &tokens,
                                 const at::Tensor &mask = {});

} // namespace qkov
