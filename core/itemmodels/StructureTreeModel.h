#pragma once
// The attention structure as a tree for QTreeView: model > (stack >) layer >
// attention module > Q, K, V, O projections. QtCore only, tested without a GUI.
#include "../model/ModelLoader.h"

#include <QAbstractItemModel>
#include <memory>
#include <vector>

namespace qkov {

class StructureTreeModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, TensorColumn, ShapeColumn, HeadsColumn, SliceColumn, ColumnCount };
    enum Role {
        KindRole = Qt::UserRole + 1, // NodeKind as int
        LayerRole,                   // layer index (or -1)
        BlockRole,                   // "Q", "K", "V", "O" for projections
        BadgesRole,                  // QStringList: "fused", "GQA 2:1", "Conv1D", "interleaved"
        StackRole,                   // stack name of the layer ("" for single-stack models)
    };
    enum class NodeKind { Model, Stack, Layer, Attention, Projection, Note };

    explicit StructureTreeModel(QObject *parent = nullptr);
    ~StructureTreeModel() override;

    // Shows `model`'s structure (copies what it needs); an empty model clears the tree.
    void setModel(const LoadedModel &model);
    void clear();

    // Index of the projection node of (stack, layer, block), invalid if absent.
    QModelIndex projectionIndex(const QString &stack, int layer, const QString &block) const;
    QModelIndex layerIndex(const QString &stack, int layer) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Node;
    Node *nodeOf(const QModelIndex &index) const;
    std::unique_ptr<Node> m_root;
};

} // namespace qkov
