#include "ConflictsFilterProxy.h"

#include "ConflictsModel.h"

namespace qkov {

ConflictsFilterProxy::ConflictsFilterProxy(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(ConflictsModel::SortRole);
}

void ConflictsFilterProxy::refilter()
{
    // Qt 6.4 has no begin/endFilterChange: invalidateFilter() re-runs filterAcceptsRow.
    invalidateFilter();
}

void ConflictsFilterProxy::setBlockFilter(int block)
{
    if (block != m_block) {
        m_block = block;
        refilter();
    }
}

void ConflictsFilterProxy::setLayerFilter(int layer)
{
    if (layer != m_layer) {
        m_layer = layer;
        refilter();
    }
}

void ConflictsFilterProxy::setHeadFilter(int head)
{
    if (head != m_head) {
        m_head = head;
        refilter();
    }
}

void ConflictsFilterProxy::setFlaggedOnly(bool flaggedOnly)
{
    if (flaggedOnly != m_flaggedOnly) {
        m_flaggedOnly = flaggedOnly;
        refilter();
    }
}

void ConflictsFilterProxy::setSearchText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed != m_search) {
        m_search = trimmed;
        refilter();
    }
}

bool ConflictsFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QAbstractItemModel *model = sourceModel();
    const QModelIndex first = model->index(sourceRow, 0, sourceParent);
    if (m_block >= 0 && first.data(ConflictsModel::BlockIndexRole).toInt() != m_block)
        return false;
    if (m_layer >= 0 && first.data(ConflictsModel::LayerRole).toInt() != m_layer)
        return false;
    if (m_head >= 0 && first.data(ConflictsModel::HeadRole).toInt() != m_head)
        return false;
    if (m_flaggedOnly && !first.data(ConflictsModel::FlaggedRole).toBool())
        return false;
    if (m_search.isEmpty())
        return true;
    for (int column : {ConflictsModel::SampleAColumn, ConflictsModel::TextAColumn, ConflictsModel::SampleBColumn,
                       ConflictsModel::TextBColumn})
        if (model->index(sourceRow, column, sourceParent).data().toString().contains(m_search, Qt::CaseInsensitive))
            return true;
    return false;
}

} // namespace qkov
