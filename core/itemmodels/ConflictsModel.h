#pragma once
// The top conflicting (block, layer, head, sample A, sample B) entries of an
// analysis result as a table: both samples' ids and text previews (the full
// text in the tooltip), the score, the head's p and q values and its FDR
// flag. SortRole gives numbers as numbers. QtCore only, tested without a GUI.
#include "../session/AnalysisResult.h"

#include <QAbstractTableModel>
#include <memory>

namespace qkov {

class ConflictsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        BlockColumn,
        LayerColumn,
        HeadColumn,
        SampleAColumn,
        TextAColumn,
        SampleBColumn,
        TextBColumn,
        ScoreColumn,
        PColumn,
        QColumn,
        FlaggedColumn,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1, // numbers as double, flags as int, text as QString
        BlockIndexRole,              // 0..3 (Q, K, V, O)
        LayerRole,
        HeadRole,
        FlaggedRole,                 // bool
        ExportRole,                  // full-precision, full-text value for TSV/CSV
    };

    explicit ConflictsModel(QObject *parent = nullptr);

    // Shows `result`'s top conflicts (null or empty clears the table).
    void setResult(std::shared_ptr<const AnalysisResult> result);
    const AnalysisResult *result() const { return m_result.get(); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Header names (export form) and one row's export values.
    QStringList exportHeader() const;
    QStringList exportRow(int row) const;

private:
    struct Row
    {
        int block = -1;
        int layer = 0, head = 0;
        QString idA, textA, idB, textB;
        double score = 0, p = 0, q = 0;
        bool flagged = false;
    };
    QVariant displayValue(const Row &row, int column) const;
    QVariant sortValue(const Row &row, int column) const;

    std::shared_ptr<const AnalysisResult> m_result;
    std::vector<Row> m_rows;
};

} // namespace qkov
