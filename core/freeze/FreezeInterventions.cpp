#include "FreezeInterventions.h"

#include "Error.h"
#include "FreezeReference.h"
#include "engine/TransformerModel.h"
#include "Translate.h"

#include <QCoreApplication>

#include <algorithm>

namespace qkov {

namespace {

const QString kFreezeFlag = QStringLiteral("--freeze");

// SplitMix64: decorrelates seeds derived from (seed, layer, head, point, sample).
uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

uint64_t combine(uint64_t seed, uint64_t value)
{
    return mix(seed ^ mix(value));
}

std::vector<AttentionPoint> pointsOf(FreezeCircuit c)
{
    switch (c) {
    case FreezeCircuit::QK: return {AttentionPoint::Q, AttentionPoint::K};
    case FreezeCircuit::OV: return {AttentionPoint::V};
    case FreezeCircuit::Head: return {AttentionPoint::Q, AttentionPoint::K, AttentionPoint::V};
    }
    return {};
}

// [T, d]: the reference sample's vectors, then the per-position mean, then
// the overall mean past the reference length (METRIC.md's mean fallback).
at::Tensor resampledRows(const at::Tensor &pool, int64_t source, int64_t sourceLength,
                         const HeadStatistics &stats, int64_t T)
{
    const int64_t own = std::min(T, sourceLength);
    std::vector<at::Tensor> parts;
    parts.reserve(3); // (an initializer list here trips GCC 12's -Warray-bounds)
    parts.push_back(pool[source].narrow(0, 0, own));
    const int64_t known = std::min(T, stats.positionMean.size(0));
    if (known > own)
        parts.push_back(stats.positionMean.narrow(0, own, known - own));
    const int64_t filled = std::max(own, known);
    if (filled < T)
        parts.push_back(stats.overallMean.unsqueeze(0).expand({T - filled, stats.overallMean.size(0)}));
    return at::cat(parts, 0);
}

} // namespace

TokenBatch TokenBatch::make(const std::vector<std::vector<int>> &sequences, int64_t first,
                            int64_t count, int64_t length, const c10::Device &device)
{
    int64_t T = length;
    for (int64_t i = first; i < first + count; ++i)
        T = std::max<int64_t>(T, int64_t(sequences[size_t(i)].size()));
    at::Tensor ids = at::zeros({count, T}, at::kLong);
    at::Tensor mask = at::zeros({count, T}, at::kLong);
    auto idAccess = ids.accessor<int64_t, 2>();
    auto maskAccess = mask.accessor<int64_t, 2>();
    for (int64_t b = 0; b < count; ++b) {
        const std::vector<int> &s = sequences[size_t(first + b)];
        for (size_t t = 0; t < s.size(); ++t) {
            idAccess[b][int64_t(t)] = s[t];
            maskAccess[b][int64_t(t)] = 1;
        }
    }
    return {ids.to(device), mask.to(device)};
}

int64_t resampleSource(uint64_t seed, int64_t sampleIndex, int64_t poolSize)
{
    if (poolSize < 2)
        return 0;
    const uint64_t shift = 1 + combine(seed, uint64_t(sampleIndex)) % uint64_t(poolSize - 1);
    return int64_t((uint64_t(sampleIndex) + shift) % uint64_t(poolSize));
}

InterventionTable freezeInterventions(const FreezeSet &set, const TransformerModel &model,
                                      const FreezeReference *reference, const FreezeBatch &batch)
{
    set.validate(model.numLayers(), model.numHeads());
    InterventionTable table;
    for (const FreezeEntry &e : set.entries) {
        if (e.method != FreezeMethod::Zero) {
            if (!reference)
                throw Error(kFreezeFlag, tr("'%1' needs reference activations: choose a reference dataset.").arg(e.spec()));
            if (reference->numLayers() != model.numLayers() || reference->numHeads() != model.numHeads()
                || reference->headDim() != model.headDim())
                throw Error(kFreezeFlag, tr("the reference activations were computed for another model."));
        }
        if (e.method == FreezeMethod::Resample) {
            if (batch.length <= 0 || batch.size <= 0)
                throw Error(kFreezeFlag, tr("'%1' needs the batch shape to resample.").arg(e.spec()));
            if (reference->poolLengths().empty())
                throw Error(kFreezeFlag, tr("'%1': the reference keeps no samples to resample from.").arg(e.spec()));
        }
        for (AttentionPoint p : pointsOf(e.circuit)) {
            HeadIntervention iv;
            iv.layer = e.layer;
            iv.head = e.head;
            iv.point = p;
            iv.stopGradient = e.stopGradient;
            switch (e.method) {
            case FreezeMethod::Zero:
                iv.method = ReplaceMethod::Zero;
                break;
            case FreezeMethod::Mean: {
                const HeadStatistics s = reference->statistics(e.layer, p, e.head);
                iv.method = ReplaceMethod::Mean;
                iv.positionMean = s.positionMean;
                iv.overallMean = s.overallMean;
                break;
            }
            case FreezeMethod::Noise:
                iv.method = ReplaceMethod::Noise;
                iv.variance = reference->statistics(e.layer, p, e.head).variance;
                iv.sigma = set.sigma;
                iv.seed = combine(combine(combine(combine(set.seed, uint64_t(e.layer)), uint64_t(e.head)),
                                          uint64_t(p)),
                                  uint64_t(batch.firstSample));
                break;
            case FreezeMethod::Resample: {
                const HeadStatistics s = reference->statistics(e.layer, p, e.head);
                const at::Tensor pool = reference->poolVectors(e.layer, p, e.head);
                const std::vector<int64_t> &lengths = reference->poolLengths();
                std::vector<at::Tensor> rows;
                for (int64_t b = 0; b < batch.size; ++b) {
                    const int64_t source = resampleSource(set.seed, batch.firstSample + b, int64_t(lengths.size()));
                    rows.push_back(resampledRows(pool, source, lengths[size_t(source)], s, batch.length));
                }
                iv.method = ReplaceMethod::Value;
                iv.value = at::stack(rows, 0); // [B, T, d]
                break;
            }
            }
            table.replacements.push_back(std::move(iv));
        }
    }
    return table;
}

} // namespace qkov
