#pragma once
// A layer x head heatmap (QCustomPlot): layer 0 at the top, square cells,
// a perceptually uniform sequential map (viridis) for non-negative scores or
// a diverging blue-white-red map centred on 0 for signed ones, a colour scale
// with units (linear or log), FDR-flagged cells outlined so the outline reads
// on any colour, the selected head marked with a dashed frame. Arrow keys move
// the selection, Space/Enter act like a double-click. Used on screen and for
// PDF/PNG/SVG export (exports are always black on white, without selection).
#include <qcustomplot.h>

#include <QString>
#include <vector>

namespace qkov {

struct HeatmapData
{
    QString title;                 // e.g. "Block Q - stories260K - task A vs task B"
    QString valueLabel;            // colour-scale label, e.g. "M (mean over pairs)"
    int layers = 0;
    int heads = 0;
    int kvGroupSize = 1;           // query heads per KV head (GQA), for tooltips
    std::vector<double> values;    // [layers * heads], layer-major
    std::vector<uint8_t> flagged;  // optional, same size
    // Optional per-cell statistics for tooltips (same size or empty).
    std::vector<double> p, q, z, ciLow, ciHigh;
    bool diverging = false;        // signed scores: centre the map on 0
};

class HeatmapPlot : public QCustomPlot
{
    Q_OBJECT
public:
    explicit HeatmapPlot(QWidget *parent = nullptr);

    void setData(const HeatmapData &data);
    // The smallest size whatever the data (cells still get at least 16 px).
    void setBaseMinimumSize(const QSize &size)
    {
        m_baseMinimum = size;
        setMinimumSize(size);
    }
    const HeatmapData &heatmapData() const { return m_data; }
    QCPColorMap *colorMap() const { return m_map; }
    QCPColorScale *colorScale() const { return m_scale; }
    void setLogScale(bool log);
    bool logScale() const { return m_log; }
    // Marks (layer, head) with a dashed frame; (-1, -1) clears the mark.
    void setSelectedCell(int layer, int head);
    int selectedLayer() const { return m_selLayer; }
    int selectedHead() const { return m_selHead; }
    // Colours follow the widget palette (light/dark); called on palette changes.
    void applyPalette();
    // The cell under a widget position, or false.
    bool cellAt(const QPoint &pos, int *layer, int *head) const;
    // The widget position of a cell's centre (for tests and accessibility).
    QPoint cellCenter(int layer, int head) const;
    QString cellToolTip(int layer, int head) const;

    // Vector PDF / SVG and raster PNG at `dpi`; sizes in points (1/72 inch).
    bool exportPdf(const QString &path, int width = 0, int height = 0);
    bool exportSvg(const QString &path, int width = 0, int height = 0);
    bool exportPng(const QString &path, int dpi = 300, int width = 0, int height = 0);
    // Draws the figure (print colours and fonts, no selection) into a painter
    // in vector mode; `size` in layout pixels (plotstyle::layoutDpi()).
    void renderForPrint(QCPPainter *painter, const QSize &size);
    // A size that keeps cells square and labels readable at a paper's column width.
    QSize preferredExportSize() const;

    static QCPColorGradient viridis();
    static QCPColorGradient blueWhiteRed();

Q_SIGNALS:
    void cellClicked(int layer, int head);
    void cellDoubleClicked(int layer, int head);

protected:
    bool event(QEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void updateLayout() override;

private:
    void applyColors(const QPalette &palette);
    void rebuildOutlines();
    void rebuildSelection();
    void updateRange();
    // Print colours and no selection mark while `draw` runs.
    template<class Draw>
    bool withPrintLook(Draw draw, const QSize &pixels);
    void applyFonts(const QFont &base);

    HeatmapData m_data;
    QCPColorMap *m_map;
    QCPColorScale *m_scale;
    QCPTextElement *m_title;
    bool m_log = false;
    QSize m_baseMinimum{260, 200};
    int m_selLayer = -1, m_selHead = -1;
    QList<QCPItemRect *> m_outlines;
    QList<QCPItemRect *> m_selection;
};

} // namespace qkov
