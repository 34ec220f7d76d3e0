#pragma once
// The Model panel: the detected attention structure as a tree.
#include <QWidget>

class QTreeView;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;

namespace qkov {

struct LoadedModel;
class StructureTreeModel;

class ModelDock : public QWidget
{
    Q_OBJECT
public:
    explicit ModelDock(QWidget *parent = nullptr);

    void showModel(const LoadedModel &model);
    void clear();
    StructureTreeModel *treeModel() const { return m_model; }
    QTreeView *treeView() const { return m_view; }

private:
    StructureTreeModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTreeView *m_view;
    QLineEdit *m_filter;
    QLabel *m_header;
};

} // namespace qkov
