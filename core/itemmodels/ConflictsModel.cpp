#include "ConflictsModel.h"

#include <cmath>
#include <limits>

namespace qkov {

namespace {

double statAt(const std::vector<double> &values, size_t i)
{
    return i < values.size() ? values[i] : std::numeric_limits<double>::quiet_NaN();
}

QString number(double v, int precision)
{
    return std::isnan(v) ? ConflictsModel::tr("n/a") : QString::number(v, 'g', precision);
}

// Rich text so that the tooltip wraps long samples instead of running off screen.
QString sampleToolTip(const QString &task, const QString &id, const QString &text)
{
    return QStringLiteral("<p><b>%1</b></p><p style='white-space:pre-wrap'>%2</p>")
        .arg(ConflictsModel::tr("%1, sample %2").arg(task, id).toHtmlEscaped(), text.toHtmlEscaped());
}

} // namespace

ConflictsModel::ConflictsModel(QObject *parent) : QAbstractTableModel(parent) {}

void ConflictsModel::setResult(std::shared_ptr<const AnalysisResult> result)
{
    beginResetModel();
    m_result = std::move(result);
    m_rows.clear();
    if (m_result) {
        const AnalysisResult &r = *m_result;
        m_rows.reserve(r.topConflicts.size());
        for (const ConflictEntry &c : r.topConflicts) {
            Row row;
            row.block = AnalysisResult::blockIndex(c.block);
            row.layer = c.layer;
            row.head = c.head;
            // Indices come from a file: never trust them to be in range.
            if (c.sampleA >= 0 && c.sampleA < r.taskA.sampleIds.size())
                row.idA = r.taskA.sampleIds[c.sampleA];
            if (c.sampleA >= 0 && c.sampleA < r.taskA.previews.size())
                row.textA = r.taskA.previews[c.sampleA];
            if (c.sampleB >= 0 && c.sampleB < r.taskB.sampleIds.size())
                row.idB = r.taskB.sampleIds[c.sampleB];
            if (c.sampleB >= 0 && c.sampleB < r.taskB.previews.size())
                row.textB = r.taskB.previews[c.sampleB];
            row.score = c.score;
            row.p = row.q = std::numeric_limits<double>::quiet_NaN();
            const bool inRange = c.layer >= 0 && c.head >= 0 && c.layer < r.layers && c.head < r.heads;
            if (row.block >= 0 && inRange) {
                const BlockResult &b = r.blocks[size_t(row.block)];
                const size_t i = size_t(c.layer) * size_t(r.heads) + size_t(c.head);
                row.p = statAt(b.pvalue, i);
                row.q = statAt(b.qvalue, i);
                row.flagged = i < b.flagged.size() && b.flagged[i];
            }
            m_rows.push_back(std::move(row));
        }
    }
    endResetModel();
}

int ConflictsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ConflictsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ConflictsModel::displayValue(const Row &row, int column) const
{
    switch (column) {
    case BlockColumn: return AnalysisResult::blockName(row.block);
    case LayerColumn: return row.layer;
    case HeadColumn: return row.head;
    case SampleAColumn: return row.idA;
    case TextAColumn: return row.textA;
    case SampleBColumn: return row.idB;
    case TextBColumn: return row.textB;
    case ScoreColumn: return number(row.score, 4);
    case PColumn: return number(row.p, 3);
    case QColumn: return number(row.q, 3);
    case FlaggedColumn: return row.flagged ? tr("yes") : tr("no");
    default: return {};
    }
}

QVariant ConflictsModel::sortValue(const Row &row, int column) const
{
    // Missing statistics sort after every real value.
    const auto orInf = [](double v) { return std::isnan(v) ? std::numeric_limits<double>::infinity() : v; };
    switch (column) {
    case BlockColumn: return row.block;
    case LayerColumn: return row.layer;
    case HeadColumn: return row.head;
    case ScoreColumn: return row.score;
    case PColumn: return orInf(row.p);
    case QColumn: return orInf(row.q);
    case FlaggedColumn: return int(row.flagged);
    default: return displayValue(row, column);
    }
}

QVariant ConflictsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()) || index.column() >= ColumnCount)
        return {};
    const Row &row = m_rows[size_t(index.row())];
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole: return displayValue(row, column);
    case SortRole: return sortValue(row, column);
    case BlockIndexRole: return row.block;
    case LayerRole: return row.layer;
    case HeadRole: return row.head;
    case FlaggedRole: return row.flagged;
    case ExportRole:
        switch (column) {
        case ScoreColumn: return QString::number(row.score, 'g', 9);
        case PColumn: return std::isnan(row.p) ? QString() : QString::number(row.p, 'g', 9);
        case QColumn: return std::isnan(row.q) ? QString() : QString::number(row.q, 'g', 9);
        case FlaggedColumn: return row.flagged ? QStringLiteral("1") : QStringLiteral("0");
        default: return displayValue(row, column).toString();
        }
    case Qt::ToolTipRole:
        if (column == TextAColumn || column == SampleAColumn)
            return sampleToolTip(m_result ? m_result->taskA.name : QString(), row.idA, row.textA);
        if (column == TextBColumn || column == SampleBColumn)
            return sampleToolTip(m_result ? m_result->taskB.name : QString(), row.idB, row.textB);
        if (column == FlaggedColumn)
            return row.flagged ? tr("The head's q value passes the FDR threshold") : tr("Not significant after FDR control");
        return {};
    case Qt::TextAlignmentRole:
        if (column == TextAColumn || column == TextBColumn || column == SampleAColumn || column == SampleBColumn)
            return QVariant::fromValue(Qt::Alignment(Qt::AlignLeft | Qt::AlignVCenter));
        if (column == BlockColumn || column == FlaggedColumn)
            return QVariant::fromValue(Qt::Alignment(Qt::AlignCenter));
        return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    default: return {};
    }
}

QVariant ConflictsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (section) {
        case BlockColumn: return tr("Block");
        case LayerColumn: return tr("Layer");
        case HeadColumn: return tr("Head");
        case SampleAColumn: return tr("Sample A");
        case TextAColumn: return tr("Text A");
        case SampleBColumn: return tr("Sample B");
        case TextBColumn: return tr("Text B");
        case ScoreColumn: return tr("Score");
        case PColumn: return tr("p");
        case QColumn: return tr("q");
        case FlaggedColumn: return tr("FDR");
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case ScoreColumn: return tr("Interference of this sample pair at this head (METRIC.md)");
        case PColumn: return tr("Permutation p value of the head's mean score");
        case QColumn: return tr("Benjamini-Hochberg q value of the head");
        case FlaggedColumn: return tr("Flagged: significant after FDR control and above the minimum effect");
        default: return {};
        }
    }
    return {};
}

QStringList ConflictsModel::exportHeader() const
{
    return {QStringLiteral("block"), QStringLiteral("layer"), QStringLiteral("head"), QStringLiteral("sample_a"),
            QStringLiteral("text_a"), QStringLiteral("sample_b"), QStringLiteral("text_b"), QStringLiteral("score"),
            QStringLiteral("p"), QStringLiteral("q"), QStringLiteral("flagged")};
}

QStringList ConflictsModel::exportRow(int row) const
{
    QStringList fields;
    for (int c = 0; c < ColumnCount; ++c)
        fields << data(index(row, c), ExportRole).toString();
    return fields;
}

} // namespace qkov
