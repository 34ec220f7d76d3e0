#include "AttentionStructure.h"

#include <QJsonArray>

#include <algorithm>

namespace qkov {

QString axisName(Axis a)
{
    return a == Axis::Rows ? QStringLiteral("rows") : QStringLiteral("cols");
}

QString detectionName(Detection d)
{
    switch (d) {
    case Detection::Config: return QStringLiteral("config");
    case Detection::Modules: return QStringLiteral("modules");
    case Detection::Names: return QStringLiteral("names");
    }
    return {};
}

QString layoutName(QkvLayout l)
{
    switch (l) {
    case QkvLayout::Split: return QStringLiteral("split");
    case QkvLayout::FusedBlocked: return QStringLiteral("fused");
    case QkvLayout::FusedInterleaved: return QStringLiteral("interleaved");
    case QkvLayout::FusedGrouped: return QStringLiteral("grouped");
    }
    return {};
}

int64_t BlockSlice::stride() const
{
    if (starts.size() < 2)
        return headDim; // one head: trivially contiguous
    const int64_t step = starts[1] - starts[0];
    for (size_t i = 2; i < starts.size(); ++i) {
        if (starts[i] - starts[i - 1] != step)
            return -1;
    }
    return step;
}

BlockSlice BlockSlice::contiguous(const QString &tensor, Axis axis, int64_t offset, int heads,
                                  int headDim, std::vector<int64_t> shape)
{
    return strided(tensor, axis, offset, headDim, heads, headDim, std::move(shape));
}

BlockSlice BlockSlice::strided(const QString &tensor, Axis axis, int64_t offset, int64_t stride,
                               int heads, int headDim, std::vector<int64_t> shape)
{
    BlockSlice slice;
    slice.tensor = tensor;
    slice.axis = axis;
    slice.heads = heads;
    slice.headDim = headDim;
    slice.tensorShape = std::move(shape);
    slice.starts.reserve(size_t(std::max(heads, 0)));
    for (int h = 0; h < heads; ++h)
        slice.starts.push_back(offset + int64_t(h) * stride);
    return slice;
}

int AttentionLayer::kvHeadOf(int h) const
{
    if (numHeads <= 0 || numKvHeads <= 0 || numKvHeads >= numHeads)
        return h;
    const int groupSize = numHeads / numKvHeads;
    return h / groupSize;
}

QStringList ModelStructure::stacks() const
{
    QStringList result;
    for (const AttentionLayer &layer : layers) {
        if (!result.contains(layer.stack))
            result << layer.stack;
    }
    return result;
}

namespace {

QJsonObject sliceJson(const BlockSlice &slice)
{
    QJsonObject o;
    o.insert(QStringLiteral("tensor"), slice.tensor);
    o.insert(QStringLiteral("axis"), axisName(slice.axis));
    o.insert(QStringLiteral("offset"), qint64(slice.offset()));
    o.insert(QStringLiteral("heads"), slice.heads);
    o.insert(QStringLiteral("head_dim"), slice.headDim);
    const int64_t stride = slice.stride();
    if (stride >= 0) {
        o.insert(QStringLiteral("stride"), qint64(stride));
    } else {
        QJsonArray starts;
        for (int64_t s : slice.starts)
            starts.append(qint64(s));
        o.insert(QStringLiteral("starts"), starts);
    }
    if (!slice.bias.isEmpty())
        o.insert(QStringLiteral("bias"), slice.bias);
    if (!slice.tensorShape.empty()) {
        QJsonArray shape;
        for (int64_t n : slice.tensorShape)
            shape.append(qint64(n));
        o.insert(QStringLiteral("shape"), shape);
    }
    return o;
}

} // namespace

QJsonObject ModelStructure::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("architecture"), architecture);
    o.insert(QStringLiteral("family"), family);
    o.insert(QStringLiteral("detection"), detectionName(detection));
    o.insert(QStringLiteral("num_layers"), numLayers);
    o.insert(QStringLiteral("num_heads"), numHeads);
    o.insert(QStringLiteral("num_kv_heads"), numKvHeads);
    o.insert(QStringLiteral("head_dim"), headDim);
    o.insert(QStringLiteral("v_head_dim"), vHeadDim);
    o.insert(QStringLiteral("hidden_size"), hiddenSize);
    o.insert(QStringLiteral("fused_qkv"), fusedQkv);
    o.insert(QStringLiteral("stacks"), QJsonArray::fromStringList(stacks()));
    QJsonArray layerArray;
    for (const AttentionLayer &layer : layers) {
        QJsonObject l;
        l.insert(QStringLiteral("index"), layer.index);
        l.insert(QStringLiteral("stack"), layer.stack);
        l.insert(QStringLiteral("module"), layer.module);
        l.insert(QStringLiteral("layout"), layoutName(layer.layout));
        l.insert(QStringLiteral("conv1d"), layer.conv1d);
        l.insert(QStringLiteral("num_heads"), layer.numHeads);
        l.insert(QStringLiteral("num_kv_heads"), layer.numKvHeads);
        l.insert(QStringLiteral("q"), sliceJson(layer.q));
        l.insert(QStringLiteral("k"), sliceJson(layer.k));
        l.insert(QStringLiteral("v"), sliceJson(layer.v));
        l.insert(QStringLiteral("o"), sliceJson(layer.o));
        layerArray.append(l);
    }
    o.insert(QStringLiteral("layers"), layerArray);
    o.insert(QStringLiteral("notes"), QJsonArray::fromStringList(notes));
    return o;
}

} // namespace qkov
