#pragma once
// A layer x head heatmap (QCustomPlot): layer 0 at the top, square cells,
// a perceptually uniform sequential map (viridis) for non-negative scores or
// a diverging blue-white-red map centred on 0 for signed ones, a colour scale
// with units (linear or log), FDR-flagged cells outlined so the outline reads
// on any colour, the selected head marked with a dashed frame. Arrow keys move
// the selection, Space/Enter act like a double-click. Used on screen and for
// PDF/PNG/SVG export (exports are always black on white, without selection).
#include "LayerHeadFigure.h"

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

class HeatmapPlot : public LayerHeadFigure
{
    Q_OBJECT
public:
    explicit HeatmapPlot(QWidget *parent = nullptr);

    void setData(const HeatmapData &data);
    // The smallest size whatever the data (cells still get at least
    // minimumCellSize() px: 16 by default, less for a small overview).
    void setBaseMinimumSize(const QSize &size)
    {
        m_baseMinimum = size;
        setMinimumSize(size);
    }
    void setMinimumCellSize(int pixels) { m_minimumCell = qMax(1, pixels); }
    int minimumCellSize() const { return m_minimumCell; }
    const HeatmapData &heatmapData() const { return m_data; }
    QCPColorMap *colorMap() const { return m_map; }
    QCPColorScale *colorScale() const { return m_scale; }
    void setLogScale(bool log);
    bool logScale() const { return m_log; }
    // Marks (layer, head) with a dashed frame; (-1, -1) clears the mark.
    void setSelectedCell(int layer, int head) { selectCell(layer, head, m_data.layers, m_data.heads); }
    // The cell under a widget position, or false.
    bool cellAt(const QPoint &pos, int *layer, int *head) const;
    // The widget position of a cell's centre (for tests and accessibility).
    QPoint cellCenter(int layer, int head) const;
    QString cellToolTip(int layer, int head) const;

    // Cells of 16 pt (9 for large models) and a title that fits on one line
    // or, broken after its second part, on two.
    QSize preferredExportSize() const override;

    static QCPColorGradient viridis();
    static QCPColorGradient blueWhiteRed();

Q_SIGNALS:
    void cellClicked(int layer, int head);
    void cellDoubleClicked(int layer, int head);

protected:
    QString toolTipAt(const QPoint &pos) const override;
    QString figureTitle() const override { return m_data.title; }
    void fitTitleForPrint(int width) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void updateLayout() override;

private:
    void applyColors(const QPalette &palette) override;
    void applyFonts(const QFont &base) override;
    void rebuildSelection() override;
    void rebuildOutlines();
    // Colour-scale tick count and label thinning for the laid-out sizes;
    // true when anything changed.
    bool fitLabelsToCells();
    void updateRange();

    HeatmapData m_data;
    QCPColorMap *m_map;
    QCPColorScale *m_scale;
    QCPTextElement *m_title;
    bool m_log = false;
    QSize m_baseMinimum{260, 200};
    int m_minimumCell = 16;
    int m_layerLabelStep = 1, m_headLabelStep = 1; // label thinning of the last layout
    QSize m_labelledAt; // the viewport size the labels were fitted to
    QList<QCPItemRect *> m_outlines;
    QList<QCPItemRect *> m_selection;
};

} // namespace qkov
