#include "StructureTreeModel.h"

#include <functional>

namespace qkov {

struct StructureTreeModel::Node
{
    NodeKind kind = NodeKind::Model;
    Node *parent = nullptr;
    std::vector<std::unique_ptr<Node>> children;
    QString columns[ColumnCount];
    QString toolTip;
    QStringList badges;
    int layer = -1;
    QString block;
    QString stack;

    Node *add(NodeKind k)
    {
        auto child = std::make_unique<Node>();
        child->kind = k;
        child->parent = this;
        child->layer = layer;
        child->stack = stack;
        children.push_back(std::move(child));
        return children.back().get();
    }
    int row() const
    {
        if (!parent)
            return 0;
        for (size_t i = 0; i < parent->children.size(); ++i)
            if (parent->children[i].get() == this)
                return int(i);
        return 0;
    }
};

namespace {

QString shapeText(const std::vector<int64_t> &shape)
{
    QStringList dims;
    for (int64_t d : shape)
        dims << QString::number(d);
    return QLatin1Char('[') + dims.join(QStringLiteral(", ")) + QLatin1Char(']');
}

// Where a block's heads sit in its tensor, e.g. "rows 0..64" or "cols 8.. every 24".
QString sliceText(const BlockSlice &s)
{
    const int64_t stride = s.stride();
    const bool rows = s.axis == Axis::Rows;
    const QString start = QString::number(s.offset());
    if (stride == s.headDim || s.heads == 1) {
        const QString end = QString::number(s.offset() + int64_t(s.heads) * s.headDim);
        return (rows ? StructureTreeModel::tr("rows %1..%2") : StructureTreeModel::tr("cols %1..%2")).arg(start, end);
    }
    if (stride > 0)
        return (rows ? StructureTreeModel::tr("rows %1.. every %2") : StructureTreeModel::tr("cols %1.. every %2"))
            .arg(start, QString::number(stride));
    return (rows ? StructureTreeModel::tr("rows %1.. (grouped)") : StructureTreeModel::tr("cols %1.. (grouped)")).arg(start);
}

} // namespace

StructureTreeModel::StructureTreeModel(QObject *parent) : QAbstractItemModel(parent), m_root(std::make_unique<Node>()) {}

StructureTreeModel::~StructureTreeModel() = default;

void StructureTreeModel::clear()
{
    beginResetModel();
    m_root = std::make_unique<Node>();
    endResetModel();
}

void StructureTreeModel::setModel(const LoadedModel &model)
{
    beginResetModel();
    m_root = std::make_unique<Node>();
    const ModelStructure &s = model.structure;

    Node *top = m_root->add(NodeKind::Model);
    top->columns[NameColumn] = QStringLiteral("%1  (%2)").arg(s.architecture, model.path.section(QLatin1Char('/'), -1));
    top->columns[HeadsColumn] = s.numKvHeads < s.numHeads ? tr("%1 q / %2 kv").arg(s.numHeads).arg(s.numKvHeads)
                                                          : QString::number(s.numHeads);
    top->columns[SliceColumn] = tr("detected from %1").arg(detectionName(s.detection));
    top->toolTip = tr("%1\nfamily %2, %3 layers, hidden %4, head dim %5\ndetection strategy: %6")
                       .arg(model.path, s.family).arg(s.numLayers).arg(s.hiddenSize).arg(s.headDim)
                       .arg(detectionName(s.detection));
    if (s.fusedQkv)
        top->badges << tr("fused QKV");
    if (s.numKvHeads > 0 && s.numKvHeads < s.numHeads)
        top->badges << (s.numKvHeads == 1 ? tr("MQA") : tr("GQA %1:1").arg(s.numHeads / s.numKvHeads));
    for (const QString &note : s.notes) {
        Node *n = top->add(NodeKind::Note);
        n->columns[NameColumn] = tr("Note: %1").arg(note);
        n->toolTip = note;
    }

    const bool multiStack = s.stacks().size() > 1;
    Node *stackNode = top;
    QString currentStack;
    for (const AttentionLayer &layer : s.layers) {
        if (multiStack && (stackNode == top || layer.stack != currentStack)) {
            currentStack = layer.stack;
            stackNode = top->add(NodeKind::Stack);
            stackNode->stack = layer.stack;
            stackNode->columns[NameColumn] = tr("%1 stack").arg(layer.stack);
        }
        Node *layerNode = stackNode->add(NodeKind::Layer);
        layerNode->layer = layer.index;
        layerNode->stack = layer.stack;
        layerNode->columns[NameColumn] = tr("Layer %1").arg(layer.index);
        layerNode->columns[HeadsColumn] = layer.numKvHeads < layer.numHeads
            ? tr("%1 q / %2 kv").arg(layer.numHeads).arg(layer.numKvHeads) : QString::number(layer.numHeads);

        Node *attention = layerNode->add(NodeKind::Attention);
        attention->columns[NameColumn] = tr("Attention");
        attention->columns[TensorColumn] = layer.module;
        attention->columns[HeadsColumn] = layerNode->columns[HeadsColumn];
        attention->columns[SliceColumn] = tr("%1, head dim %2").arg(layoutName(layer.layout)).arg(layer.headDim);
        if (layer.layout != QkvLayout::Split)
            attention->badges << layoutName(layer.layout);
        if (layer.conv1d)
            attention->badges << QStringLiteral("Conv1D");
        if (layer.numKvHeads > 0 && layer.numKvHeads < layer.numHeads)
            attention->badges << (layer.numKvHeads == 1 ? tr("MQA") : tr("GQA %1:1").arg(layer.numHeads / layer.numKvHeads));
        attention->toolTip = tr("%1\n%2 query heads, %3 key/value heads, head dim %4, value head dim %5")
                                 .arg(layer.module).arg(layer.numHeads).arg(layer.numKvHeads).arg(layer.headDim).arg(layer.vHeadDim);

        const std::pair<const char *, const BlockSlice *> blocks[] = {
            {"Q", &layer.q}, {"K", &layer.k}, {"V", &layer.v}, {"O", &layer.o}};
        for (const auto &[name, slice] : blocks) {
            Node *p = attention->add(NodeKind::Projection);
            p->block = QString::fromLatin1(name);
            p->columns[NameColumn] = p->block;
            // Relative to the attention module (the full name is in the tooltip and on the Attention row).
            p->columns[TensorColumn] = slice->tensor.startsWith(layer.module + QLatin1Char('.'))
                ? slice->tensor.mid(layer.module.size() + 1) : slice->tensor;
            p->columns[ShapeColumn] = shapeText(slice->tensorShape);
            p->columns[HeadsColumn] = tr("%1 x %2").arg(slice->heads).arg(slice->headDim);
            p->columns[SliceColumn] = sliceText(*slice);
            p->toolTip = tr("%1 block of layer %2\ntensor %3 %4\nheads are %5 %6 (offset %7)%8")
                             .arg(p->block).arg(layer.index).arg(slice->tensor, shapeText(slice->tensorShape))
                             .arg(slice->headDim).arg(slice->axis == Axis::Rows ? tr("rows") : tr("cols")).arg(slice->offset())
                             .arg(slice->bias.isEmpty() ? QString() : tr("\nbias %1").arg(slice->bias));
        }
    }
    endResetModel();
}

StructureTreeModel::Node *StructureTreeModel::nodeOf(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : m_root.get();
}

QModelIndex StructureTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    const Node *p = nodeOf(parent);
    if (row < 0 || column < 0 || column >= ColumnCount || row >= int(p->children.size()))
        return {};
    return createIndex(row, column, p->children[size_t(row)].get());
}

QModelIndex StructureTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    Node *p = nodeOf(child)->parent;
    if (!p || p == m_root.get())
        return {};
    return createIndex(p->row(), 0, p);
}

int StructureTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    return int(nodeOf(parent)->children.size());
}

int StructureTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant StructureTreeModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const Node *n = nodeOf(index);
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == NameColumn && !n->badges.isEmpty())
            return QString(n->columns[NameColumn] + QStringLiteral("  [") + n->badges.join(QStringLiteral("] [")) + QLatin1Char(']'));
        return n->columns[index.column()];
    case Qt::ToolTipRole: return n->toolTip.isEmpty() ? QVariant() : QVariant(n->toolTip);
    case KindRole: return int(n->kind);
    case LayerRole: return n->layer;
    case BlockRole: return n->block;
    case BadgesRole: return n->badges;
    case StackRole: return n->stack;
    default: return {};
    }
}

QVariant StructureTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Structure");
    case TensorColumn: return tr("Tensor");
    case ShapeColumn: return tr("Shape");
    case HeadsColumn: return tr("Heads");
    case SliceColumn: return tr("Head slices");
    default: return {};
    }
}

QModelIndex StructureTreeModel::layerIndex(const QString &stack, int layer) const
{
    std::function<QModelIndex(const QModelIndex &)> search = [&](const QModelIndex &parent) -> QModelIndex {
        for (int r = 0; r < rowCount(parent); ++r) {
            const QModelIndex i = index(r, 0, parent);
            const Node *n = nodeOf(i);
            if (n->kind == NodeKind::Layer && n->layer == layer && n->stack == stack)
                return i;
            if (n->kind == NodeKind::Model || n->kind == NodeKind::Stack)
                if (const QModelIndex found = search(i); found.isValid())
                    return found;
        }
        return {};
    };
    return search({});
}

QModelIndex StructureTreeModel::projectionIndex(const QString &stack, int layer, const QString &block) const
{
    const QModelIndex layerIdx = layerIndex(stack, layer);
    if (!layerIdx.isValid())
        return {};
    const QModelIndex attention = index(0, 0, layerIdx);
    for (int r = 0; r < rowCount(attention); ++r) {
        const QModelIndex i = index(r, 0, attention);
        if (nodeOf(i)->block == block)
            return i;
    }
    return {};
}

} // namespace qkov
