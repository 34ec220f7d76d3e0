#include "ConflictsPanel.h"

#include "Error.h"
#include "Preferences.h"
#include "WorkbenchDocument.h"
#include "itemmodels/ConflictsFilterProxy.h"
#include "itemmodels/ConflictsModel.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

namespace qkov {

namespace {

QString csvField(const QString &field)
{
    if (!field.contains(QLatin1Char(',')) && !field.contains(QLatin1Char('"')) && !field.contains(QLatin1Char('\n'))
        && !field.contains(QLatin1Char('\r')))
        return field;
    QString quoted = field;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString tsvField(QString field)
{
    // TSV has no quoting: tabs and line breaks inside a sample become spaces.
    for (QChar c : {QLatin1Char('\t'), QLatin1Char('\n'), QLatin1Char('\r')})
        field.replace(c, QLatin1Char(' '));
    return field;
}

} // namespace

ConflictsPanel::ConflictsPanel(WorkbenchDocument *document, QWidget *parent)
    : QWidget(parent), m_document(document), m_model(new ConflictsModel(this)), m_proxy(new ConflictsFilterProxy(this)),
      m_view(new QTableView(this)), m_block(new QComboBox(this)), m_layer(new QComboBox(this)), m_head(new QComboBox(this)),
      m_follow(new QCheckBox(tr("F&ollow selection"), this)), m_flagged(new QCheckBox(tr("&Flagged only"), this)),
      m_search(new QLineEdit(this)), m_exportButton(new QPushButton(tr("E&xport CSV..."), this)), m_status(new QLabel(this)),
      m_copy(new QAction(tr("&Copy rows as TSV"), this))
{
    setAccessibleName(tr("Conflicts"));
    m_proxy->setSourceModel(m_model);
    m_view->setModel(m_proxy);
    m_view->setAccessibleName(tr("Top conflicting sample pairs"));
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(ConflictsModel::ScoreColumn, Qt::DescendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->setVisible(false);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    QHeaderView *header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(ConflictsModel::TextAColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(ConflictsModel::TextBColumn, QHeaderView::Stretch);
    header->setMinimumSectionSize(36);

    m_block->setAccessibleName(tr("Block filter"));
    m_block->addItem(tr("All blocks"), -1);
    for (int b = 0; b < 4; ++b)
        m_block->addItem(tr("Block %1").arg(AnalysisResult::blockName(b)), b);
    m_layer->setAccessibleName(tr("Layer filter"));
    m_head->setAccessibleName(tr("Head filter"));
    m_follow->setToolTip(tr("Show only the conflicts of the head selected in the heatmaps, tree or grids"));
    m_flagged->setToolTip(tr("Show only heads flagged after FDR control"));
    m_search->setPlaceholderText(tr("Search both samples..."));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Search in samples"));

    m_copy->setShortcut(QKeySequence::Copy);
    m_copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_view->addAction(m_copy);
    auto *exportAction = new QAction(tr("E&xport CSV..."), this);
    m_view->addAction(exportAction);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    connect(m_copy, &QAction::triggered, this, &ConflictsPanel::copySelection);
    connect(exportAction, &QAction::triggered, this, &ConflictsPanel::exportInteractively);
    connect(m_exportButton, &QPushButton::clicked, this, &ConflictsPanel::exportInteractively);

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_block);
    filters->addWidget(m_layer);
    filters->addWidget(m_head);
    filters->addWidget(m_follow);
    filters->addWidget(m_flagged);
    filters->addWidget(m_search, 1);
    filters->addWidget(m_exportButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(filters);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_status);
    setTabOrder(m_block, m_layer);
    setTabOrder(m_layer, m_head);
    setTabOrder(m_head, m_follow);
    setTabOrder(m_follow, m_flagged);
    setTabOrder(m_flagged, m_search);
    setTabOrder(m_search, m_exportButton);
    setTabOrder(m_exportButton, m_view);

    connect(m_block, &QComboBox::currentIndexChanged, this, [this] { m_proxy->setBlockFilter(m_block->currentData().toInt()); });
    connect(m_layer, &QComboBox::currentIndexChanged, this, [this] { m_proxy->setLayerFilter(m_layer->currentData().toInt()); });
    connect(m_head, &QComboBox::currentIndexChanged, this, [this] { m_proxy->setHeadFilter(m_head->currentData().toInt()); });
    connect(m_flagged, &QCheckBox::toggled, m_proxy, &ConflictsFilterProxy::setFlaggedOnly);
    connect(m_search, &QLineEdit::textChanged, m_proxy, &ConflictsFilterProxy::setSearchText);
    connect(m_follow, &QCheckBox::toggled, this, [this](bool on) {
        m_layer->setEnabled(!on);
        m_head->setEnabled(!on);
        if (on)
            followHead(m_document->selectedLayer(), m_document->selectedHead());
    });
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &ConflictsPanel::updateStatus);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &ConflictsPanel::updateStatus);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &ConflictsPanel::updateStatus);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &ConflictsPanel::updateStatus);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ConflictsPanel::rowSelected);
    connect(m_document, &WorkbenchDocument::resultChanged, this, &ConflictsPanel::showResult);
    connect(m_document, &WorkbenchDocument::selectedHeadChanged, this, [this](int layer, int head) {
        if (m_follow->isChecked() && !m_selectingFromTable)
            followHead(layer, head);
    });
    showResult();
}

void ConflictsPanel::showResult()
{
    m_model->setResult(m_document->result());
    rebuildLayerHeadChoices();
    if (m_follow->isChecked())
        followHead(m_document->selectedLayer(), m_document->selectedHead());
    updateStatus();
}

void ConflictsPanel::rebuildLayerHeadChoices()
{
    const AnalysisResult *result = m_model->result();
    const int layers = result ? result->layers : 0, heads = result ? result->heads : 0;
    for (auto [combo, count, any, one] : {std::tuple{m_layer, layers, tr("Any layer"), tr("Layer %1")},
                                          std::tuple{m_head, heads, tr("Any head"), tr("Head %1")}}) {
        const int keep = combo->currentIndex() < 0 ? -1 : combo->currentData().toInt();
        combo->blockSignals(true);
        combo->clear();
        combo->addItem(any, -1);
        for (int i = 0; i < count; ++i)
            combo->addItem(one.arg(i), i);
        combo->setCurrentIndex(qMax(0, combo->findData(keep < count ? keep : -1)));
        combo->blockSignals(false);
    }
    m_proxy->setLayerFilter(m_layer->currentData().toInt());
    m_proxy->setHeadFilter(m_head->currentData().toInt());
}

void ConflictsPanel::followHead(int layer, int head)
{
    m_layer->setCurrentIndex(qMax(0, m_layer->findData(layer)));
    m_head->setCurrentIndex(qMax(0, m_head->findData(head)));
}

void ConflictsPanel::rowSelected()
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    const QModelIndex row = current.isValid() && m_view->selectionModel()->isRowSelected(current.row(), current.parent())
                                ? current
                                : rows.first();
    // Selecting a row selects its head, but does not narrow a followed filter under the user's cursor.
    m_selectingFromTable = true;
    m_document->selectHead(row.data(ConflictsModel::LayerRole).toInt(), row.data(ConflictsModel::HeadRole).toInt());
    m_selectingFromTable = false;
}

void ConflictsPanel::updateStatus()
{
    const bool any = m_model->rowCount() > 0;
    if (!m_model->result())
        m_status->setText(tr("No analysis result yet: load two tasks and press F5 to list the top conflicts."));
    else
        m_status->setText(tr("%1 of %2 conflicts shown").arg(m_proxy->rowCount()).arg(m_model->rowCount()));
    m_exportButton->setEnabled(any);
    m_exportButton->setToolTip(any ? tr("Write the visible rows to a CSV file") : tr("There are no conflicts to export yet"));
    m_copy->setEnabled(any);
}

QList<int> ConflictsPanel::sourceRowsInViewOrder(bool selectedOnly) const
{
    QList<int> proxyRows;
    if (selectedOnly) {
        for (const QModelIndex &index : m_view->selectionModel()->selectedRows())
            proxyRows << index.row();
        std::sort(proxyRows.begin(), proxyRows.end());
    } else {
        for (int r = 0; r < m_proxy->rowCount(); ++r)
            proxyRows << r;
    }
    QList<int> sourceRows;
    for (int r : proxyRows)
        sourceRows << m_proxy->mapToSource(m_proxy->index(r, 0)).row();
    return sourceRows;
}

QString ConflictsPanel::selectedRowsAsTsv() const
{
    const QList<int> rows = sourceRowsInViewOrder(true);
    if (rows.isEmpty())
        return {};
    QStringList lines{m_model->exportHeader().join(QLatin1Char('\t'))};
    for (int row : rows) {
        QStringList fields = m_model->exportRow(row);
        std::transform(fields.begin(), fields.end(), fields.begin(), tsvField);
        lines << fields.join(QLatin1Char('\t'));
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

void ConflictsPanel::copySelection() const
{
    const QString tsv = selectedRowsAsTsv();
    if (!tsv.isEmpty())
        QApplication::clipboard()->setText(tsv);
}

void ConflictsPanel::exportCsv(const QString &path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text))
        throw Error(path, tr("cannot open the file for writing (%1)").arg(file.errorString()));
    QStringList header = m_model->exportHeader();
    std::transform(header.begin(), header.end(), header.begin(), csvField);
    QByteArray out = header.join(QLatin1Char(',')).toUtf8() + '\n';
    for (int row : sourceRowsInViewOrder(false)) {
        QStringList fields = m_model->exportRow(row);
        std::transform(fields.begin(), fields.end(), fields.begin(), csvField);
        out += fields.join(QLatin1Char(',')).toUtf8() + '\n';
    }
    if (file.write(out) != out.size() || !file.commit())
        throw Error(path, tr("could not write the file (%1)").arg(file.errorString()));
}

void ConflictsPanel::exportInteractively()
{
    if (m_proxy->rowCount() == 0) {
        QMessageBox::information(this, tr("Export CSV"), tr("No rows are visible: clear the filters first."));
        return;
    }
    const QString folder = Preferences::instance().lastOpenFolder();
    const QString start = QDir(folder.isEmpty() ? QDir::homePath() : folder).filePath(QStringLiteral("conflicts.csv"));
    QString path = QFileDialog::getSaveFileName(this, tr("Export conflicts"), start, tr("CSV (*.csv)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".csv");
    try {
        exportCsv(path);
    } catch (const Error &e) {
        QMessageBox::warning(this, tr("Export failed"), e.message());
    }
}

} // namespace qkov
