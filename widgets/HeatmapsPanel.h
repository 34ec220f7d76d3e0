#pragma once
// The Heatmaps panel (GUI.md "Heatmaps"): tabs Q, K, V, O and Compare over
// the document's result. Click selects a head everywhere, double-click (or
// Space) asks to toggle that head's freeze (QK for Q/K, OV for V/O), the
// selected head is marked in every tab, the colour scale switches between
// linear and log. Without a result the panel says what to do next.
#include "freeze/FreezeSet.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QStackedWidget;
class QTabWidget;

namespace qkov {

class BlockComparisonPlot;
class HeatmapPlot;
class WorkbenchDocument;

class HeatmapsPanel : public QWidget
{
    Q_OBJECT
public:
    static constexpr int CompareTab = 4;

    explicit HeatmapsPanel(WorkbenchDocument *document, QWidget *parent = nullptr);

    HeatmapPlot *heatmap(int block) const; // 0..3 = Q, K, V, O
    BlockComparisonPlot *comparison() const { return m_comparison; }
    QTabWidget *tabs() const { return m_tabs; }
    // 0..3 for a block tab, CompareTab for the comparison.
    int currentTab() const;
    void setCurrentTab(int tab);
    bool hasResult() const;
    bool logScale() const;
    void setLogScale(bool log);
    // The empty-state message shown while there is no result.
    QString emptyMessage() const;

    // Writes the current tab's figure; the format follows the suffix (.pdf,
    // .svg, .png at `dpi`). Throws qkov::Error naming the file on failure.
    void exportCurrent(const QString &path, int dpi = 300);
    // A file name for the current figure, e.g. "stories260K_heatmap_Q.pdf".
    QString suggestedFileName(const QString &suffix) const;

    static FreezeCircuit circuitForBlock(int block) { return block < 2 ? FreezeCircuit::QK : FreezeCircuit::OV; }

Q_SIGNALS:
    // Double-click on a cell: the lead routes it through the undo stack.
    void freezeToggleRequested(int layer, int head, qkov::FreezeCircuit circuit);

protected:
    void changeEvent(QEvent *event) override;

private:
    void showResult();
    void updateEmptyState();
    void showSelection(int layer, int head);
    void showExportMenu(QWidget *plot, const QPoint &pos);
    void exportInteractively(const QString &suffix);

    WorkbenchDocument *m_document;
    QStackedWidget *m_pages;
    QLabel *m_empty;
    QTabWidget *m_tabs;
    HeatmapPlot *m_plots[4];
    BlockComparisonPlot *m_comparison;
    QComboBox *m_scale;
    QLabel *m_legend;
};

} // namespace qkov
