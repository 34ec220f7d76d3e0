#include "StructureBuilder.h"
#include "Translate.h"

#include <QCoreApplication>

#include <algorithm>

namespace qkov {

namespace {

QString geometryText(const HeadDims &d)
{
    return tr("%1 heads, %2 KV heads, head_dim %3, v_head_dim %4, hidden size %5")
        .arg(d.heads).arg(d.kvHeads).arg(d.headDim).arg(d.vHeadDim).arg(d.hidden);
}

} // namespace

HeadDims HeadDims::fromConfig(const ModelConfig &config)
{
    return make(config.numHeads, config.numKvHeads, config.hiddenSize, config.headDim);
}

HeadDims HeadDims::make(int heads, int kvHeads, int hidden, int headDim)
{
    HeadDims d;
    d.heads = heads;
    d.kvHeads = kvHeads > 0 ? kvHeads : heads;
    d.hidden = hidden;
    if (headDim > 0)
        d.headDim = headDim;
    else if (heads > 0 && hidden > 0 && hidden % heads == 0)
        d.headDim = hidden / heads;
    d.vHeadDim = d.headDim;
    return d;
}

void HeadDims::validate(const QString &where) const
{
    if (heads <= 0)
        throw Error(where, tr("the attention head count is missing or not positive"));
    if (hidden <= 0)
        throw Error(where, tr("the hidden size is missing or not positive"));
    if (headDim <= 0 || vHeadDim <= 0)
        throw Error(where, tr("head_dim cannot be derived: hidden size %1 is not a multiple of %2 heads")
                               .arg(hidden).arg(heads));
    if (kvHeads <= 0 || kvHeads > heads || heads % kvHeads != 0)
        throw Error(where, tr("%1 KV heads do not divide %2 attention heads into equal groups")
                               .arg(kvHeads).arg(heads));
}

ProjectionNames projectionNames(const QString &module, const QString &q, const QString &k,
                                const QString &v, const QString &o)
{
    const QString base = module.isEmpty() ? QString() : module + QLatin1Char('.');
    const QString weight = QStringLiteral(".weight");
    return {base + q + weight, base + k + weight, base + v + weight, base + o + weight};
}

QString biasNameOf(const QString &weight)
{
    if (weight.endsWith(QLatin1String("weight")))
        return weight.left(weight.size() - 6) + QStringLiteral("bias");
    return {};
}

QString shapeText(const std::vector<int64_t> &shape)
{
    QStringList parts;
    for (int64_t n : shape)
        parts << QString::number(n);
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

StructureBuilder::StructureBuilder(const TensorIndex &tensors, const QString &where)
    : m_tensors(tensors), m_where(where)
{
}

QString StructureBuilder::resolvePrefix(const QStringList &prefixes, const QString &probe) const
{
    for (const QString &prefix : prefixes) {
        if (m_tensors.has(prefix + probe))
            return prefix;
    }
    QStringList tried;
    for (const QString &prefix : prefixes)
        tried << prefix + probe;
    throw NamesDoNotFit(m_where, tr("none of the expected tensors exists: %1").arg(tried.join(QStringLiteral(", "))));
}

bool StructureBuilder::hasLayersUnder(const QString &prefix) const
{
    const QString first = prefix + QStringLiteral("0.");
    const auto it = m_tensors.shapes.lowerBound(first);
    return it != m_tensors.shapes.end() && it.key().startsWith(first);
}

std::vector<int> StructureBuilder::layerIndices(const QString &prefix, int expectedCount) const
{
    std::vector<int> found;
    for (auto it = m_tensors.shapes.lowerBound(prefix);
         it != m_tensors.shapes.end() && it.key().startsWith(prefix); ++it) {
        const QString rest = it.key().mid(prefix.size());
        const int dot = rest.indexOf(QLatin1Char('.'));
        if (dot <= 0 || dot > 9)
            continue;
        const QString digits = rest.left(dot);
        bool ok = false;
        const int n = digits.toInt(&ok);
        // "01" or "+1" are not layer indices.
        if (ok && n >= 0 && digits == QString::number(n))
            found.push_back(n);
    }
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
    if (found.empty())
        throw NamesDoNotFit(m_where, tr("no layers named '%1N.' in the checkpoint").arg(prefix));
    for (size_t i = 0; i < found.size(); ++i) {
        if (found[i] != int(i))
            throw Error(m_where, tr("layer %1 is missing under '%2' (the checkpoint has %3 layers, the highest index %4)")
                                     .arg(i).arg(prefix).arg(found.size()).arg(found.back()));
    }
    if (expectedCount > 0 && int(found.size()) != expectedCount)
        throw Error(m_where, tr("config.json declares %1 layers but the checkpoint holds %2 under '%3'")
                                 .arg(expectedCount).arg(found.size()).arg(prefix));
    return found;
}

void StructureBuilder::require(const QString &name, const std::vector<int64_t> &expected, const QString &why) const
{
    if (!m_tensors.has(name))
        throw NamesDoNotFit(m_where, tr("tensor '%1' not found").arg(name));
    const std::vector<int64_t> shape = m_tensors.shape(name);
    if (shape != expected) {
        QString problem = tr("tensor '%1' has shape %2 but %3 was expected").arg(name, shapeText(shape), shapeText(expected));
        if (!why.isEmpty())
            problem += QStringLiteral(" (") + why + QLatin1Char(')');
        throw Error(m_where, problem);
    }
}

QString StructureBuilder::optionalBias(const QString &weight, int64_t size) const
{
    const QString bias = biasNameOf(weight);
    if (bias.isEmpty() || !m_tensors.has(bias))
        return {};
    require(bias, {size});
    return bias;
}

AttentionLayer StructureBuilder::baseLayer(int index, const QString &module, const HeadDims &d) const
{
    d.validate(m_where);
    AttentionLayer layer;
    layer.index = index;
    layer.module = module;
    layer.numHeads = d.heads;
    layer.numKvHeads = d.kvHeads;
    layer.headDim = d.headDim;
    layer.vHeadDim = d.vHeadDim;
    return layer;
}

BlockSlice StructureBuilder::outputSlice(const QString &out, const HeadDims &d, bool conv1d) const
{
    const int64_t inner = int64_t(d.heads) * d.vHeadDim;
    // O gathers the heads' values: its input axis holds head h at h * d_v
    // (columns of nn.Linear [out, in], rows of Conv1D [in, out]).
    const std::vector<int64_t> shape = conv1d ? std::vector<int64_t>{inner, d.hidden}
                                              : std::vector<int64_t>{d.hidden, inner};
    require(out, shape, geometryText(d));
    return BlockSlice::contiguous(out, conv1d ? Axis::Rows : Axis::Cols, 0, d.heads, d.vHeadDim, shape);
}

AttentionLayer StructureBuilder::splitLinear(int index, const QString &module, const ProjectionNames &names,
                                             const HeadDims &d) const
{
    AttentionLayer layer = baseLayer(index, module, d);
    layer.layout = QkvLayout::Split;
    const int64_t qOut = int64_t(d.heads) * d.headDim;
    const int64_t kOut = int64_t(d.kvHeads) * d.headDim;
    const int64_t vOut = int64_t(d.kvHeads) * d.vHeadDim;
    const auto make = [&](const QString &name, int64_t out, int heads, int headDim) {
        const std::vector<int64_t> shape{out, d.hidden};
        require(name, shape, geometryText(d));
        BlockSlice slice = BlockSlice::contiguous(name, Axis::Rows, 0, heads, headDim, shape);
        slice.bias = optionalBias(name, out);
        return slice;
    };
    layer.q = make(names.q, qOut, d.heads, d.headDim);
    layer.k = make(names.k, kOut, d.kvHeads, d.headDim);
    layer.v = make(names.v, vOut, d.kvHeads, d.vHeadDim);
    layer.o = outputSlice(names.o, d, false);
    return layer;
}

AttentionLayer StructureBuilder::fusedBlocked(int index, const QString &module, const QString &fused,
                                              const QString &out, const HeadDims &d, bool conv1d) const
{
    AttentionLayer layer = baseLayer(index, module, d);
    layer.layout = QkvLayout::FusedBlocked;
    layer.conv1d = conv1d;
    const int64_t qOut = int64_t(d.heads) * d.headDim;
    const int64_t kOut = int64_t(d.kvHeads) * d.headDim;
    const int64_t total = qOut + kOut + int64_t(d.kvHeads) * d.vHeadDim;
    const std::vector<int64_t> shape = conv1d ? std::vector<int64_t>{d.hidden, total}
                                              : std::vector<int64_t>{total, d.hidden};
    require(fused, shape, geometryText(d));
    const Axis axis = conv1d ? Axis::Cols : Axis::Rows;
    layer.q = BlockSlice::contiguous(fused, axis, 0, d.heads, d.headDim, shape);
    layer.k = BlockSlice::contiguous(fused, axis, qOut, d.kvHeads, d.headDim, shape);
    layer.v = BlockSlice::contiguous(fused, axis, qOut + kOut, d.kvHeads, d.vHeadDim, shape);
    const QString bias = optionalBias(fused, total);
    layer.q.bias = layer.k.bias = layer.v.bias = bias;
    layer.o = outputSlice(out, d, conv1d);
    return layer;
}

AttentionLayer StructureBuilder::fusedInterleaved(int index, const QString &module, const QString &fused,
                                                  const QString &out, const HeadDims &d) const
{
    AttentionLayer layer = baseLayer(index, module, d);
    if (d.kvHeads != d.heads || d.vHeadDim != d.headDim)
        throw Error(m_where, tr("tensor '%1' is interleaved per head, which needs as many KV heads as heads and equal Q/V head sizes (%2)")
                                 .arg(fused, geometryText(d)));
    layer.layout = QkvLayout::FusedInterleaved;
    const int64_t step = 3 * int64_t(d.headDim);
    const std::vector<int64_t> shape{step * d.heads, d.hidden};
    require(fused, shape, geometryText(d));
    layer.q = BlockSlice::strided(fused, Axis::Rows, 0, step, d.heads, d.headDim, shape);
    layer.k = BlockSlice::strided(fused, Axis::Rows, d.headDim, step, d.heads, d.headDim, shape);
    layer.v = BlockSlice::strided(fused, Axis::Rows, 2 * int64_t(d.headDim), step, d.heads, d.headDim, shape);
    const QString bias = optionalBias(fused, step * d.heads);
    layer.q.bias = layer.k.bias = layer.v.bias = bias;
    layer.o = outputSlice(out, d, false);
    return layer;
}

AttentionLayer StructureBuilder::fusedGrouped(int index, const QString &module, const QString &fused,
                                              const QString &out, const HeadDims &d) const
{
    AttentionLayer layer = baseLayer(index, module, d);
    if (d.vHeadDim != d.headDim)
        throw Error(m_where, tr("tensor '%1' is grouped per KV head, which needs equal Q/V head sizes (%2)")
                                 .arg(fused, geometryText(d)));
    layer.layout = QkvLayout::FusedGrouped;
    const int groupSize = d.heads / d.kvHeads;
    const int64_t groupRows = (int64_t(groupSize) + 2) * d.headDim;
    const std::vector<int64_t> shape{groupRows * d.kvHeads, d.hidden};
    require(fused, shape, geometryText(d));
    // Per KV group: its query heads, then its K, then its V.
    layer.q.tensor = fused;
    layer.q.axis = Axis::Rows;
    layer.q.heads = d.heads;
    layer.q.headDim = d.headDim;
    layer.q.tensorShape = shape;
    for (int h = 0; h < d.heads; ++h)
        layer.q.starts.push_back(groupRows * (h / groupSize) + int64_t(h % groupSize) * d.headDim);
    layer.k = BlockSlice::strided(fused, Axis::Rows, int64_t(groupSize) * d.headDim, groupRows,
                                  d.kvHeads, d.headDim, shape);
    layer.v = BlockSlice::strided(fused, Axis::Rows, (int64_t(groupSize) + 1) * d.headDim, groupRows,
                                  d.kvHeads, d.headDim, shape);
    const QString bias = optionalBias(fused, shape.front());
    layer.q.bias = layer.k.bias = layer.v.bias = bias;
    layer.o = outputSlice(out, d, false);
    return layer;
}

int jsonInt(const QJsonObject &object, std::initializer_list<const char *> keys, int fallback)
{
    for (const char *key : keys) {
        const QJsonValue value = object.value(QLatin1String(key));
        if (value.isDouble())
            return value.toInt(fallback);
    }
    return fallback;
}

QString architectureName(const ModelConfig &config, const QString &fallback)
{
    return config.modelType.isEmpty() ? fallback : config.modelType;
}

ModelStructure assembleStructure(const QString &architecture, std::vector<AttentionLayer> layers,
                                 const HeadDims &d)
{
    ModelStructure s;
    s.architecture = architecture;
    s.numHeads = d.heads;
    s.numKvHeads = d.kvHeads;
    s.headDim = d.headDim;
    s.vHeadDim = d.vHeadDim;
    s.hiddenSize = d.hidden;
    s.layers = std::move(layers);
    if (!s.layers.empty()) {
        const QString firstStack = s.layers.front().stack;
        s.numLayers = int(std::count_if(s.layers.begin(), s.layers.end(),
                                        [&](const AttentionLayer &l) { return l.stack == firstStack; }));
    }
    s.fusedQkv = std::any_of(s.layers.begin(), s.layers.end(),
                             [](const AttentionLayer &l) { return l.layout != QkvLayout::Split; });
    return s;
}

ModelStructure detectSelfAttnLayout(const ModelConfig &config, const TensorIndex &tensors, const QString &familyId,
                                    const QStringList &prefixes, const QString &outName, const HeadDims &d)
{
    const StructureBuilder b(tensors, config.sourcePath);
    const QString prefix = b.resolvePrefix(prefixes, QStringLiteral("layers.0.self_attn.q_proj.weight"));
    auto layers = b.eachLayer(prefix + QStringLiteral("layers."), config.numLayers, [&](int i, const QString &path) {
        const QString attn = path + QStringLiteral(".self_attn");
        return b.splitLinear(
            i, attn, projectionNames(attn, QStringLiteral("q_proj"), QStringLiteral("k_proj"), QStringLiteral("v_proj"), outName),
            d);
    });
    return assembleStructure(architectureName(config, familyId), std::move(layers), d);
}

} // namespace qkov
