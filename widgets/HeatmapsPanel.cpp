#include "HeatmapsPanel.h"

#include "BlockComparisonPlot.h"
#include "Error.h"
#include "FigureExport.h"
#include "HeatmapPlot.h"
#include "Preferences.h"
#include "WorkbenchDocument.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QStackedWidget>
#include <QTabWidget>
#include <QVBoxLayout>

namespace qkov {

HeatmapsPanel::HeatmapsPanel(WorkbenchDocument *document, QWidget *parent)
    : QWidget(parent), m_document(document), m_pages(new QStackedWidget(this)), m_empty(new QLabel(this)),
      m_tabs(new QTabWidget(this)), m_comparison(new BlockComparisonPlot(this)), m_scale(new QComboBox(this)),
      m_legend(new QLabel(this))
{
    setAccessibleName(tr("Heatmaps"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setMargin(24);
    m_empty->setAccessibleName(tr("No analysis result"));
    QFont emptyFont = m_empty->font();
    emptyFont.setPointSizeF(emptyFont.pointSizeF() * 1.2);
    m_empty->setFont(emptyFont);

    for (int b = 0; b < 4; ++b) {
        HeatmapPlot *plot = m_plots[b] = new HeatmapPlot(m_tabs);
        const QString block = AnalysisResult::blockName(b);
        plot->setAccessibleName(tr("Heatmap of block %1").arg(block));
        m_tabs->addTab(plot, block);
        m_tabs->setTabToolTip(b, tr("Block %1: layer x head interference; double-click freezes the head's %2 circuit")
                                     .arg(block, b < 2 ? tr("QK") : tr("OV")));
        connect(plot, &HeatmapPlot::cellClicked, m_document, &WorkbenchDocument::selectHead);
        connect(plot, &HeatmapPlot::cellDoubleClicked, this, [this, b](int layer, int head) {
            m_document->selectHead(layer, head);
            Q_EMIT freezeToggleRequested(layer, head, circuitForBlock(b));
        });
    }
    m_tabs->addTab(m_comparison, tr("Compare"));
    m_tabs->setTabToolTip(CompareTab, tr("The four blocks on one shared scale, and their means"));
    connect(m_comparison, &BlockComparisonPlot::cellClicked, this,
            [this](int, int layer, int head) { m_document->selectHead(layer, head); });
    connect(m_comparison, &BlockComparisonPlot::cellDoubleClicked, this, [this](int block, int layer, int head) {
        m_document->selectHead(layer, head);
        Q_EMIT freezeToggleRequested(layer, head, circuitForBlock(block));
    });
    for (QWidget *plot : {static_cast<QWidget *>(m_plots[0]), static_cast<QWidget *>(m_plots[1]), static_cast<QWidget *>(m_plots[2]),
                          static_cast<QWidget *>(m_plots[3]), static_cast<QWidget *>(m_comparison)}) {
        plot->setContextMenuPolicy(Qt::CustomContextMenu);
        connect(plot, &QWidget::customContextMenuRequested, this, [this, plot](const QPoint &pos) { showExportMenu(plot, pos); });
    }

    m_scale->addItem(tr("Linear"));
    m_scale->addItem(tr("Log"));
    m_scale->setAccessibleName(tr("Colour scale"));
    connect(m_scale, &QComboBox::currentIndexChanged, this, [this](int index) {
        for (HeatmapPlot *plot : m_plots)
            plot->setLogScale(index == 1);
        m_comparison->setLogScale(index == 1);
    });
    auto *scaleLabel = new QLabel(tr("Colour &scale:"), this);
    scaleLabel->setBuddy(m_scale);
    m_legend->setText(tr("Solid outline: FDR-flagged. Dashed frame: selected head. "
                         "Double-click or Space: freeze (QK on Q/K, OV on V/O)."));
    m_legend->setWordWrap(true);
    m_legend->setForegroundRole(QPalette::PlaceholderText);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_legend, 1);
    bar->addWidget(scaleLabel);
    bar->addWidget(m_scale);
    auto *resultPage = new QWidget(this);
    auto *resultLayout = new QVBoxLayout(resultPage);
    resultLayout->setContentsMargins(0, 0, 0, 0);
    resultLayout->addLayout(bar);
    resultLayout->addWidget(m_tabs, 1);
    m_pages->addWidget(m_empty);
    m_pages->addWidget(resultPage);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_pages);

    connect(m_document, &WorkbenchDocument::resultChanged, this, &HeatmapsPanel::showResult);
    connect(m_document, &WorkbenchDocument::modelChanged, this, &HeatmapsPanel::updateEmptyState);
    connect(m_document, &WorkbenchDocument::taskChanged, this, &HeatmapsPanel::updateEmptyState);
    connect(m_document, &WorkbenchDocument::selectedHeadChanged, this, &HeatmapsPanel::showSelection);
    showResult();
}

HeatmapPlot *HeatmapsPanel::heatmap(int block) const
{
    return block >= 0 && block < 4 ? m_plots[block] : nullptr;
}

int HeatmapsPanel::currentTab() const
{
    return m_tabs->currentIndex();
}

void HeatmapsPanel::setCurrentTab(int tab)
{
    m_tabs->setCurrentIndex(tab);
}

bool HeatmapsPanel::hasResult() const
{
    const auto result = m_document->result();
    return result && !result->isEmpty();
}

bool HeatmapsPanel::logScale() const
{
    return m_scale->currentIndex() == 1;
}

void HeatmapsPanel::setLogScale(bool log)
{
    m_scale->setCurrentIndex(log ? 1 : 0);
}

QString HeatmapsPanel::emptyMessage() const
{
    return m_empty->text();
}

void HeatmapsPanel::showResult()
{
    updateEmptyState();
    if (!hasResult())
        return;
    const AnalysisResult &result = *m_document->result();
    for (int b = 0; b < 4; ++b)
        m_plots[b]->setData(heatmapDataFor(result, b));
    m_comparison->setData(comparisonDataFor(result));
    // Log needs positive values: the signed variant is diverging around 0.
    const bool diverging = result.settings.variant == QLatin1String("signed");
    if (diverging)
        m_scale->setCurrentIndex(0);
    m_scale->setEnabled(!diverging);
    m_scale->setToolTip(diverging ? tr("Signed scores cross zero: a log scale cannot show them")
                                  : tr("Linear or logarithmic colour scale"));
    for (HeatmapPlot *plot : m_plots)
        plot->setLogScale(logScale());
    m_comparison->setLogScale(logScale());
    showSelection(m_document->selectedLayer(), m_document->selectedHead());
}

void HeatmapsPanel::updateEmptyState()
{
    if (hasResult()) {
        m_pages->setCurrentIndex(1);
        return;
    }
    QString next;
    if (!m_document->model())
        next = tr("Open a model (Ctrl+O) or the demo model, load task A and task B in the Tasks panel, "
                  "then press F5 to run the analysis.");
    else if (!m_document->task(WorkbenchDocument::TaskA).isReady() || !m_document->task(WorkbenchDocument::TaskB).isReady())
        next = tr("Load task A and task B in the Tasks panel, then press F5 to run the analysis.");
    else
        next = tr("Both tasks are loaded: press F5 (Analysis > Run) to compute the heatmaps.");
    m_empty->setText(tr("No analysis result yet.") + QStringLiteral("\n\n") + next);
    m_pages->setCurrentIndex(0);
}

void HeatmapsPanel::showSelection(int layer, int head)
{
    for (HeatmapPlot *plot : m_plots)
        plot->setSelectedCell(layer, head);
    m_comparison->setSelectedCell(layer, head);
}

void HeatmapsPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange) {
        for (HeatmapPlot *plot : m_plots)
            plot->applyPalette();
        m_comparison->applyPalette();
    }
    QWidget::changeEvent(event);
}

void HeatmapsPanel::showExportMenu(QWidget *plot, const QPoint &pos)
{
    m_tabs->setCurrentWidget(plot);
    QMenu menu(this);
    const bool enabled = hasResult();
    for (const auto &[text, suffix] : {std::pair{tr("Export as &PDF..."), QStringLiteral("pdf")},
                                       std::pair{tr("Export as P&NG..."), QStringLiteral("png")},
                                       std::pair{tr("Export as &SVG..."), QStringLiteral("svg")}}) {
        QAction *action = menu.addAction(text);
        action->setEnabled(enabled);
        if (!enabled)
            action->setToolTip(tr("Run an analysis first"));
        connect(action, &QAction::triggered, this, [this, suffix = suffix] { exportInteractively(suffix); });
    }
    menu.exec(plot->mapToGlobal(pos));
}

QString HeatmapsPanel::suggestedFileName(const QString &suffix) const
{
    const auto result = m_document->result();
    const QString model = result ? QFileInfo(result->modelPath).fileName() : QString();
    const QString figure = currentTab() == CompareTab ? QStringLiteral("block_comparison")
                                                      : QStringLiteral("heatmap_") + AnalysisResult::blockName(currentTab());
    return (model.isEmpty() ? figure : model + QLatin1Char('_') + figure) + QLatin1Char('.') + suffix;
}

void HeatmapsPanel::exportInteractively(const QString &suffix)
{
    const QString folder = Preferences::instance().lastOpenFolder();
    const QString start = QDir(folder.isEmpty() ? QDir::homePath() : folder).filePath(suggestedFileName(suffix));
    const QString filter = suffix == QLatin1String("pdf")   ? tr("PDF (*.pdf)")
                           : suffix == QLatin1String("png") ? tr("PNG image (*.png)")
                                                            : tr("SVG (*.svg)");
    QString path = QFileDialog::getSaveFileName(this, tr("Export figure"), start, filter);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QLatin1Char('.') + suffix;
    int dpi = 300;
    if (suffix == QLatin1String("png")) {
        bool ok = false;
        dpi = QInputDialog::getInt(this, tr("PNG resolution"), tr("Dots per inch:"), 300, 72, 1200, 50, &ok);
        if (!ok)
            return;
    }
    try {
        exportCurrent(path, dpi);
    } catch (const Error &e) {
        QMessageBox::warning(this, tr("Export failed"), e.message());
    }
}

void HeatmapsPanel::exportCurrent(const QString &path, int dpi)
{
    if (!hasResult())
        throw Error(path, tr("there is no analysis result to export yet"));
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("pdf") && suffix != QLatin1String("png") && suffix != QLatin1String("svg"))
        throw Error(path, tr("unsupported figure format; use .pdf, .svg or .png"));
    if (dpi < 36 || dpi > 2400)
        throw Error(path, tr("a PNG resolution of %1 dpi is out of range (36 to 2400)").arg(dpi));
    LayerHeadFigure *figure = currentTab() == CompareTab ? static_cast<LayerHeadFigure *>(m_comparison)
                                                         : m_plots[qBound(0, currentTab(), 3)];
    const bool ok = suffix == QLatin1String("pdf")   ? figure->exportPdf(path)
                    : suffix == QLatin1String("svg") ? figure->exportSvg(path)
                                                     : figure->exportPng(path, dpi);
    if (!ok || QFileInfo(path).size() == 0)
        throw Error(path, tr("could not write the figure (check the folder exists and is writable)"));
}

} // namespace qkov
