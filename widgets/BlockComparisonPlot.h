#pragma once
// The four blocks (Q, K, V, O) side by side on one shared colour scale, and
// the block means as bars: which circuit do the two tasks compete over?
// Cells answer hover, click and double-click like HeatmapPlot's.
#include "LayerHeadFigure.h"

#include <array>
#include <vector>

namespace qkov {

struct BlockComparisonData
{
    QString title;
    QString valueLabel;
    int layers = 0;
    int heads = 0;
    std::array<std::vector<double>, 4> values; // Q, K, V, O heatmaps [layers * heads]
    std::array<std::vector<uint8_t>, 4> flagged;
    bool diverging = false;
};

class BlockComparisonPlot : public LayerHeadFigure
{
    Q_OBJECT
public:
    explicit BlockComparisonPlot(QWidget *parent = nullptr);
    void setData(const BlockComparisonData &data);
    const BlockComparisonData &comparisonData() const { return m_data; }
    // The colour map of block 0..3 (null before setData).
    QCPColorMap *colorMap(int block) const;
    QCPBars *meanBars() const { return m_bars; }
    void setLogScale(bool log);
    bool logScale() const { return m_log; }
    // Marks (layer, head) in all four maps; (-1, -1) clears the mark.
    void setSelectedCell(int layer, int head) { selectCell(layer, head, m_data.layers, m_data.heads); }
    bool cellAt(const QPoint &pos, int *block, int *layer, int *head) const;
    QPoint cellCenter(int block, int layer, int head) const;
    // Maps of 12 pt cells (7 for large models) and the bar chart below.
    QSize preferredExportSize() const override;

Q_SIGNALS:
    void cellClicked(int block, int layer, int head);
    void cellDoubleClicked(int block, int layer, int head);

protected:
    QString toolTipAt(const QPoint &pos) const override;
    QString figureTitle() const override { return m_data.title; }
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void updateLayout() override;

private:
    void applyColors(const QPalette &palette) override;
    void applyFonts(const QFont &base) override;
    void rebuildSelection() override;
    static bool useGrid(const BlockComparisonData &data);
    void updateScale();

    BlockComparisonData m_data;
    QCPTextElement *m_title = nullptr;
    QCPColorScale *m_scale = nullptr;
    std::array<QCPColorMap *, 4> m_maps{};
    QCPAxisRect *m_barRect = nullptr;
    QCPBars *m_bars = nullptr;
    bool m_log = false;
    bool m_grid = false; // 2 x 2 maps instead of one row
    QList<QCPItemRect *> m_selection;
};

} // namespace qkov
