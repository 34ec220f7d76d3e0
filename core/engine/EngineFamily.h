#pragma once
// What an engine family implements, and the registry of families (one file
// per family under families/). A family builds its network from the config
// and the checkpoint tensors, then runs forward passes through a ForwardPass,
// which owns the attention core and the projection capture.
#include "AttentionCore.h"
#include "TransformerModel.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

namespace qkov {

class TensorStore;

// Reads checkpoint tensors into engine tensors with the expected shape.
class WeightLoader
{
public:
    WeightLoader(const TensorStore &store, const QString &where, const at::TensorOptions &options);

    bool contains(const QString &name) const;
    // Throws qkov::Error(where, ...) when the tensor is missing or has another shape.
    at::Tensor require(const QString &name, const std::vector<int64_t> &shape);
    // Undefined tensor when absent; throws when present with another shape.
    at::Tensor optional(const QString &name, const std::vector<int64_t> &shape);
    // Marks a loaded tensor as an attention projection weight (Q/K/V/O).
    void markAttentionWeight(const QString &name) { m_attentionWeights << name; }
    const QString &where() const { return m_where; }

    QHash<QString, at::Tensor> &loaded() { return m_loaded; }
    const QStringList &attentionWeights() const { return m_attentionWeights; }

private:
    const TensorStore &m_store;
    QString m_where;
    at::TensorOptions m_options;
    QHash<QString, at::Tensor> m_loaded;
    QStringList m_attentionWeights;
};

// The state of one forward pass, handed to the family.
class ForwardPass
{
public:
    ForwardPass(const ForwardOptions &options, ForwardRecord *record, int numLayers);

    const AttentionCore &attention() const { return m_core; }
    // y = x W^T + b (W [out, in]); with conv1d, y = x W + b (W [in, out]).
    // Records x and y when projection capture is on.
    at::Tensor project(int layer, const char *block, const QString &weightName,
                       const at::Tensor &x, const at::Tensor &weight, const at::Tensor &bias,
                       bool conv1d = false);
    // The caller's cancel point (ForwardOptions::cancelPoint), if any.
    void cancelPoint() const
    {
        if (m_cancelPoint)
            m_cancelPoint();
    }
    // logits = h W^T (+ b), W [V, D]. With a cancel point, computed in chunks
    // of positions with a cancel point between them (the LM head is the
    // largest GEMM of a pass; its backward is then chunked too).
    at::Tensor lmHead(const at::Tensor &h, const at::Tensor &weight, const at::Tensor &bias = {}) const;

private:
    bool m_captureProjections = false;
    std::function<void()> m_cancelPoint;
    ForwardRecord *m_record = nullptr;
    AttentionCore m_core;
};

class EngineNetwork
{
public:
    virtual ~EngineNetwork() = default;
    // tokens [B, T] int64 (ids already checked), keyMask [B, T] bool, both on
    // the engine's device. Returns logits [B, T, V].
    virtual at::Tensor forward(const at::Tensor &tokens, const at::Tensor &keyMask,
                               ForwardPass &pass) const = 0;
};

using EngineBuilder = std::unique_ptr<EngineNetwork> (*)(const ModelConfig &config,
                                                         WeightLoader &weights);

struct EngineFamilyEntry
{
    QString id;
    QStringList modelTypes; // config.json model_type values it runs
    EngineBuilder build = nullptr;
};

// Every family the engine can run; the first whose model types include the
// config's model_type is used.
const std::vector<EngineFamilyEntry> &engineFamilies();

// Families (one file each under families/).
std::unique_ptr<EngineNetwork> buildLlamaNetwork(const ModelConfig &config, WeightLoader &weights);
std::unique_ptr<EngineNetwork> buildGpt2Network(const ModelConfig &config, WeightLoader &weights);
std::unique_ptr<EngineNetwork> buildGptNeoxNetwork(const ModelConfig &config, WeightLoader &weights);
std::unique_ptr<EngineNetwork> buildBertNetwork(const ModelConfig &config, WeightLoader &weights);
std::unique_ptr<EngineNetwork> buildPhiNetwork(const ModelConfig &config, WeightLoader &weights);
std::unique_ptr<EngineNetwork> buildPhi3Network(const ModelConfig &config, WeightLoader &weights);
std::unique_ptr<EngineNetwork> buildGemmaNetwork(const ModelConfig &config, WeightLoader &weights);

} // namespace qkov
