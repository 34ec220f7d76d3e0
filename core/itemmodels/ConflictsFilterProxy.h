#pragma once
// Filters and sorts a ConflictsModel for the Conflicts table: by block, layer,
// head, FDR flag and a case-insensitive text search over both samples' ids and
// texts; sorts on ConflictsModel::SortRole (numbers as numbers). QtCore only.
#include <QSortFilterProxyModel>

namespace qkov {

class ConflictsFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit ConflictsFilterProxy(QObject *parent = nullptr);

    // -1 means "any" for block (0..3), layer and head.
    void setBlockFilter(int block);
    void setLayerFilter(int layer);
    void setHeadFilter(int head);
    void setFlaggedOnly(bool flaggedOnly);
    void setSearchText(const QString &text);
    int blockFilter() const { return m_block; }
    int layerFilter() const { return m_layer; }
    int headFilter() const { return m_head; }
    bool flaggedOnly() const { return m_flaggedOnly; }
    QString searchText() const { return m_search; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    void refilter();

    int m_block = -1, m_layer = -1, m_head = -1;
    bool m_flaggedOnly = false;
    QString m_search;
};

} // namespace qkov
