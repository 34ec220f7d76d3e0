#pragma once
// What the layer x head figures (HeatmapPlot, BlockComparisonPlot) share:
// a selected cell, colours and fonts that follow the widget (palette and
// font changes) or the print look, hover tooltips, a colour scale fitted to
// the values (linear with a shared exponent, or log), and export to PDF, SVG
// and PNG at a size in points, always in the print look without selection.
#include <qcustomplot.h>

#include <functional>
#include <vector>

namespace qkov {

class LayerHeadFigure : public QCustomPlot
{
    Q_OBJECT
public:
    explicit LayerHeadFigure(QWidget *parent = nullptr);

    int selectedLayer() const { return m_selLayer; }
    int selectedHead() const { return m_selHead; }
    // Colours follow the widget palette (light/dark); called on palette changes.
    void applyPalette();

    // Vector PDF / SVG and raster PNG at `dpi`; sizes in points (1/72 inch),
    // 0 = preferredExportSize().
    bool exportPdf(const QString &path, int width = 0, int height = 0);
    bool exportSvg(const QString &path, int width = 0, int height = 0);
    bool exportPng(const QString &path, int dpi = 300, int width = 0, int height = 0);
    // Draws the figure (print colours and fonts, no selection) into a painter
    // in vector mode; `size` in layout pixels (plotstyle::layoutDpi()).
    void renderForPrint(QCPPainter *painter, const QSize &size);
    // A size in points that keeps cells square and labels readable.
    virtual QSize preferredExportSize() const = 0;

protected:
    bool event(QEvent *event) override;

    // The tooltip of whatever lies at `pos`, empty for none.
    virtual QString toolTipAt(const QPoint &pos) const = 0;
    virtual void applyColors(const QPalette &palette) = 0;
    virtual void applyFonts(const QFont &base) = 0;
    // Redraws the selection items for m_selLayer / m_selHead (-1: none).
    virtual void rebuildSelection() = 0;
    // The figure's title (PDF metadata; shown wrapped to the print width when
    // printTitle() sets it).
    virtual QString figureTitle() const = 0;
    // Wraps the title to `width` pixels for print; an empty width restores it.
    virtual void fitTitleForPrint(int width) { Q_UNUSED(width); }

    // Selects (layer, head) when inside layers x heads, else clears; redraws.
    void selectCell(int layer, int head, int layers, int heads);
    // Fits `scale` to the finite values of `blocks`: linear with the values'
    // exponent in the label, or log from the smallest positive value;
    // diverging data is centred on 0 (white).
    static void fitColorScale(QCPColorScale *scale, const std::vector<const std::vector<double> *> &blocks,
                              bool log, bool diverging, const QString &label);

    int m_selLayer = -1, m_selHead = -1;

private:
    bool withPrintLook(const std::function<bool()> &draw, const QSize &pixels);
    QSize exportSize(int width, int height) const;
};

} // namespace qkov
