#include "FreezeReference.h"

#include "Error.h"
#include "FreezeInterventions.h"
#include "data/TaskDataset.h"
#include "engine/TransformerModel.h"
#include "jobs/JobContext.h"
#include "Translate.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <mutex>

#include <algorithm>

namespace qkov {

namespace {

const QString kReferenceWhere = QStringLiteral("reference");
constexpr AttentionPoint kPoints[3] = {AttentionPoint::Q, AttentionPoint::K, AttentionPoint::V};

// Running sums of one point over every real position of the reference set.
struct PointSums
{
    at::Tensor sum;       // [H, T_max, d] double
    at::Tensor sumSquare; // [H, d] double
};

} // namespace

std::shared_ptr<const FreezeReference> FreezeReference::compute(const TransformerModel &model,
                                                                const std::vector<std::vector<int>> &sequences,
                                                                const FreezeReferenceOptions &options,
                                                                JobContext *job)
{
    if (sequences.empty())
        throw Error(kReferenceWhere, tr("the reference set has no sample."));
    int64_t maxLength = 0;
    for (size_t i = 0; i < sequences.size(); ++i) {
        if (sequences[i].empty())
            throw Error(kReferenceWhere, tr("reference sample %1 has no token.").arg(i));
        maxLength = std::max<int64_t>(maxLength, int64_t(sequences[i].size()));
    }
    const int layers = model.numLayers(), heads = model.numHeads(), d = model.headDim();
    const int64_t n = int64_t(sequences.size());
    const int64_t batchSize = std::max(1, options.batchSize);
    const auto sumOptions = at::TensorOptions().dtype(at::kDouble).device(model.options().device);

    auto sums = std::vector<std::array<PointSums, 3>>(size_t(layers));
    for (auto &perLayer : sums)
        for (PointSums &s : perLayer) {
            s.sum = at::zeros({heads, maxLength, d}, sumOptions);
            s.sumSquare = at::zeros({heads, d}, sumOptions);
        }
    at::Tensor positionCount = at::zeros({maxLength}, sumOptions);

    auto reference = std::make_shared<FreezeReference>();
    reference->m_samples = int(n);
    reference->m_heads = heads;
    reference->m_headDim = d;
    reference->m_layers.resize(size_t(layers));
    const int64_t poolSize = std::min<int64_t>(std::max(0, options.resamplePool), n);

    ForwardOptions forward;
    forward.interventions.capture.points = pointBit(AttentionPoint::Q) | pointBit(AttentionPoint::K)
                                           | pointBit(AttentionPoint::V);
    if (job)
        job->setStage(tr("Reference activations"));
    at::NoGradGuard noGrad;
    for (int64_t first = 0; first < n; first += batchSize) {
        if (job)
            job->checkCancelled();
        const int64_t count = std::min(batchSize, n - first);
        const TokenBatch batch = TokenBatch::make(sequences, first, count, 0, model.options().device);
        ForwardRecord record;
        model.forward(batch.ids, batch.mask, forward, &record);
        const at::Tensor real = batch.mask.to(at::kDouble);                // [B, T]
        const int64_t T = batch.ids.size(1);
        positionCount.narrow(0, 0, T).add_(real.sum(0));
        const at::Tensor weight = real.unsqueeze(1).unsqueeze(-1);        // [B, 1, T, 1]
        for (int l = 0; l < layers; ++l)
            for (int p = 0; p < 3; ++p) {
                const at::Tensor x = record.attention.at(l, kPoints[p]).to(at::kDouble) * weight; // [B, H, T, d]
                PointSums &s = sums[size_t(l)][size_t(p)];
                s.sum.narrow(1, 0, T).add_(x.sum(0));
                s.sumSquare.add_((x * x).sum(at::IntArrayRef{0, 2}));
                // The pool: the first samples, whole, as the model computed them.
                if (first < poolSize) {
                    const int64_t take = std::min(count, poolSize - first);
                    at::Tensor &pool = reference->m_layers[size_t(l)][size_t(p)].pool;
                    if (!pool.defined())
                        pool = at::zeros({poolSize, heads, maxLength, d}, x.options().dtype(model.options().dtype));
                    pool.narrow(0, first, take).narrow(2, 0, T).copy_(x.narrow(0, 0, take));
                }
            }
        if (first < poolSize)
            for (int64_t i = first; i < std::min(first + count, poolSize); ++i)
                reference->m_poolLengths.push_back(int64_t(sequences[size_t(i)].size()));
        if (job)
            job->setProgress(first + count, n);
    }

    const at::Tensor total = positionCount.sum();
    const auto storeOptions = at::TensorOptions().dtype(model.options().dtype).device(model.options().device);
    for (int l = 0; l < layers; ++l)
        for (int p = 0; p < 3; ++p) {
            const PointSums &s = sums[size_t(l)][size_t(p)];
            PointData &out = reference->m_layers[size_t(l)][size_t(p)];
            // Every position up to the longest sample is reached by it.
            const at::Tensor overall = s.sum.sum(1) / total;                 // [H, d]
            out.positionMean = (s.sum / positionCount.view({1, -1, 1})).to(storeOptions);
            out.overallMean = overall.to(storeOptions);
            out.variance = (s.sumSquare / total - overall * overall).clamp_min(0).to(storeOptions);
        }
    return reference;
}

const FreezeReference::PointData &FreezeReference::point(int layer, AttentionPoint p) const
{
    const int index = p == AttentionPoint::Q ? 0 : p == AttentionPoint::K ? 1 : p == AttentionPoint::V ? 2 : -1;
    if (layer < 0 || layer >= numLayers() || index < 0)
        throw Error(kReferenceWhere, tr("the reference has no %1 vectors of layer %2.").arg(attentionPointName(p)).arg(layer));
    return m_layers[size_t(layer)][size_t(index)];
}

HeadStatistics FreezeReference::statistics(int layer, AttentionPoint p, int head) const
{
    const PointData &data = point(layer, p);
    if (head < 0 || head >= m_heads)
        throw Error(kReferenceWhere, tr("the reference has no head %1.").arg(head));
    HeadStatistics s;
    s.positionMean = data.positionMean[head];
    s.overallMean = data.overallMean[head];
    s.variance = data.variance[head];
    return s;
}

at::Tensor FreezeReference::poolVectors(int layer, AttentionPoint p, int head) const
{
    const PointData &data = point(layer, p);
    if (!data.pool.defined() || head < 0 || head >= m_heads)
        return {};
    return data.pool.select(1, head);
}

std::vector<std::vector<int>> referenceSequences(const std::vector<const TaskDataset *> &datasets)
{
    std::vector<std::vector<int>> sequences;
    for (const TaskDataset *dataset : datasets)
        if (dataset)
            for (const TaskSample &s : dataset->samples)
                sequences.push_back(s.tokens);
    return sequences;
}

std::shared_ptr<const FreezeReference> FreezeReferenceCache::reference(const std::vector<std::vector<int>> &sequences,
                                                                       const FreezeReferenceOptions &options,
                                                                       JobContext *job)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    const int32_t header[2] = {options.batchSize, options.resamplePool};
    hash.addData(QByteArrayView(reinterpret_cast<const char *>(header), sizeof header));
    for (const std::vector<int> &s : sequences) {
        const int32_t length = int32_t(s.size());
        hash.addData(QByteArrayView(reinterpret_cast<const char *>(&length), sizeof length));
        hash.addData(QByteArrayView(reinterpret_cast<const char *>(s.data()), qsizetype(s.size() * sizeof(int))));
    }
    const QByteArray key = hash.result();
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (auto found = m_entries.value(key))
            return found;
    }
    // Computed outside the lock: a long reference run must not block other readers.
    auto computed = FreezeReference::compute(m_model, sequences, options, job);
    std::lock_guard<std::mutex> lock(m_mutex);
    m_entries.insert(key, computed);
    return computed;
}

int FreezeReferenceCache::size() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return int(m_entries.size());
}

void FreezeReferenceCache::clear()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_entries.clear();
}

} // namespace qkov
