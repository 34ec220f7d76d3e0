#include "ModelDock.h"

#include "itemmodels/StructureTreeModel.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QVBoxLayout>

namespace qkov {

ModelDock::ModelDock(QWidget *parent)
    : QWidget(parent), m_model(new StructureTreeModel(this)), m_proxy(new QSortFilterProxyModel(this)),
      m_view(new QTreeView(this)), m_filter(new QLineEdit(this)), m_header(new QLabel(this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setRecursiveFilteringEnabled(true);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1);

    m_view->setModel(m_proxy);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->header()->setStretchLastSection(true);
    m_view->setAccessibleName(tr("Attention structure"));

    m_filter->setPlaceholderText(tr("Filter tensors, layers, blocks..."));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    m_header->setWordWrap(true);
    m_header->setTextFormat(Qt::PlainText);
    m_header->setText(tr("No model open."));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_header);
    layout->addWidget(m_filter);
    layout->addWidget(m_view, 1);
}

void ModelDock::showModel(const LoadedModel &model)
{
    m_model->setModel(model);
    const ModelStructure &s = model.structure;
    m_header->setText(tr("%1: %2 layers, %3 heads (%4 KV), head dim %5 - detected from %6")
                          .arg(s.architecture).arg(s.numLayers).arg(s.numHeads).arg(s.numKvHeads).arg(s.headDim)
                          .arg(detectionName(s.detection)));
    // Model and first layer open; deeper layers stay folded so the tree reads at a glance.
    const QModelIndex top = m_proxy->index(0, 0);
    m_view->expand(top);
    for (int r = 0; r < m_proxy->rowCount(top) && r < 2; ++r) {
        const QModelIndex child = m_proxy->index(r, 0, top);
        m_view->expand(child);
        m_view->expand(m_proxy->index(0, 0, child));
    }
    for (int c = 0; c < StructureTreeModel::ColumnCount - 1; ++c)
        m_view->resizeColumnToContents(c);
}

void ModelDock::clear()
{
    m_model->clear();
    m_header->setText(tr("No model open."));
}

} // namespace qkov
