#pragma once
// Reference activations for the mean, noise and resample freezing methods
// (METRIC.md section 6): every head's q and k (after RoPE) and its own copy
// of v, over a reference set of token sequences (task A, B or both).
// Statistics are accumulated batch by batch, so the set may be large; only
// a small pool of whole samples is kept for resampling.
#include "engine/Interventions.h"

#include <ATen/ATen.h>

#include <QByteArray>
#include <QHash>
#include <mutex>
#include <array>
#include <memory>
#include <vector>

namespace qkov {

class JobContext;
class TransformerModel;
struct TaskDataset;

struct FreezeReferenceOptions
{
    int batchSize = 8;     // sequences per forward pass
    int resamplePool = 8;  // whole samples kept for the resample method
};

class FreezeReference
{
public:
    // Runs the model over `sequences` (right-padded batches, no gradient).
    // Reports progress and honours cancel through `job` (may be null).
    // Throws qkov::Error("reference", ...) for an empty set or a sequence
    // with no token; JobCancelled when cancelled.
    static std::shared_ptr<const FreezeReference> compute(const TransformerModel &model,
                                                          const std::vector<std::vector<int>> &sequences,
                                                          const FreezeReferenceOptions &options = {},
                                                          JobContext *job = nullptr);

    int sampleCount() const { return m_samples; }
    int numLayers() const { return int(m_layers.size()); }
    int numHeads() const { return m_heads; }
    int headDim() const { return m_headDim; }

    // Statistics of one head's vectors at point Q, K or V: positionMean
    // [T_max, d], overallMean [d], variance [d] (over all real positions).
    HeadStatistics statistics(int layer, AttentionPoint point, int head) const;
    // Whole samples for resampling: [P, T_pool, d] of one head (zero past
    // each sample's length) and each pool sample's real length.
    at::Tensor poolVectors(int layer, AttentionPoint point, int head) const;
    const std::vector<int64_t> &poolLengths() const { return m_poolLengths; }

private:
    struct PointData
    {
        at::Tensor positionMean; // [H, T_max, d]
        at::Tensor overallMean;  // [H, d]
        at::Tensor variance;     // [H, d]
        at::Tensor pool;         // [P, H, T_pool, d]
    };
    const PointData &point(int layer, AttentionPoint p) const;

    int m_samples = 0;
    int m_heads = 0;
    int m_headDim = 0;
    std::vector<std::array<PointData, 3>> m_layers; // Q, K, V per layer
    std::vector<int64_t> m_poolLengths;
};

// The token sequences of one or more task datasets, in order (task A, B or
// both as the reference set).
std::vector<std::vector<int>> referenceSequences(const std::vector<const TaskDataset *> &datasets);

// References of one model, cached per dataset (keyed by the token
// sequences themselves and the options), so that toggling a mean-frozen head
// does not rerun the reference set. Create one per loaded model. Thread-safe.
class FreezeReferenceCache
{
public:
    explicit FreezeReferenceCache(const TransformerModel &model) : m_model(model) {}

    std::shared_ptr<const FreezeReference> reference(const std::vector<std::vector<int>> &sequences,
                                                     const FreezeReferenceOptions &options = {},
                                                     JobContext *job = nullptr);
    int size() const;
    void clear();

private:
    const TransformerModel &m_model;
    mutable std::mutex m_mutex; // std: ThreadSanitizer sees pthread mutexes, not Debian Qt's futexes
    QHash<QByteArray, std::shared_ptr<const FreezeReference>> m_entries;
};

} // namespace qkov
