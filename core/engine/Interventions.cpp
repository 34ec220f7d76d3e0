#include "Interventions.h"

#include "Error.h"

namespace qkov {

QString attentionPointName(AttentionPoint p)
{
    switch (p) {
    case AttentionPoint::Q: return QStringLiteral("q");
    case AttentionPoint::K: return QStringLiteral("k");
    case AttentionPoint::V: return QStringLiteral("v");
    case AttentionPoint::Scores: return QStringLiteral("scores");
    case AttentionPoint::Pattern: return QStringLiteral("pattern");
    case AttentionPoint::Z: return QStringLiteral("z");
    }
    return QString();
}

bool CaptureRequest::wants(int layer, AttentionPoint p) const
{
    if (!(points & pointBit(p)))
        return false;
    if (layers.empty())
        return true;
    for (int l : layers)
        if (l == layer)
            return true;
    return false;
}

bool InterventionTable::hasReplacementsIn(int layer) const
{
    for (const HeadIntervention &r : replacements)
        if (r.layer == layer)
            return true;
    return false;
}

const at::Tensor &AttentionCapture::at(int layer, AttentionPoint p) const
{
    static const at::Tensor none;
    if (layer < 0 || layer >= int(layers.size()))
        return none;
    return layers[size_t(layer)][size_t(p)];
}

std::vector<at::Tensor> AttentionCapture::patterns() const
{
    std::vector<at::Tensor> result;
    result.reserve(layers.size());
    for (const auto &points : layers)
        result.push_back(points[size_t(AttentionPoint::Pattern)]);
    return result;
}

HeadStatistics headStatistics(const at::Tensor &values, const at::Tensor &mask)
{
    const QString where = QStringLiteral("intervention");
    if (values.dim() != 3 || mask.dim() != 2 || mask.size(0) != values.size(0)
        || mask.size(1) != values.size(1))
        throw Error(where, QStringLiteral("reference values must be [B, T, d] with a [B, T] mask."));
    const at::Tensor real = mask.to(values.device()).ne(0);
    const at::Tensor weight = real.to(values.scalar_type()).unsqueeze(-1); // [B, T, 1]
    const at::Tensor perPositionCount = weight.sum(0);                     // [T, 1]
    const int64_t total = real.sum().item<int64_t>();
    if (total == 0)
        throw Error(where, QStringLiteral("the reference set has no real token to average over."));
    // Positions reached by at least one sample: with right padding a prefix.
    const at::Tensor reached = perPositionCount.squeeze(-1).gt(0);
    const int64_t reachedCount = reached.sum().item<int64_t>();
    const at::Tensor masked = values.detach() * weight;
    HeadStatistics stats;
    stats.positionMean = (masked.sum(0) / perPositionCount.clamp_min(1)).narrow(0, 0, reachedCount);
    stats.overallMean = masked.sum(at::IntArrayRef{0, 1}) / double(total);
    const at::Tensor centred = (values.detach() - stats.overallMean) * weight;
    stats.variance = (centred * centred).sum(at::IntArrayRef{0, 1}) / double(total);
    return stats;
}

} // namespace qkov
