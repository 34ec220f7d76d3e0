#pragma once
// What the workbench's QCustomPlot figures share: palette-driven colours
// (light and dark), a fixed white print palette for exported figures, fonts
// that stay readable at a paper's column width, integer tick labels, the
// two-tone outlines that read on any cell colour, and vector export.
#include <qcustomplot.h>

#include <QPalette>

namespace qkov::plotstyle {

// Black on white, whatever the screen theme: exported figures go to paper.
QPalette printPalette();

// Axis lines, ticks and labels in the palette's text colour.
void colorAxis(QCPAxis *axis, const QPalette &palette);
// Tick label, axis label and title fonts derived from `base`.
void setAxisFonts(QCPAxis *axis, const QFont &base);
QFont titleFont(const QFont &base);

// Ticks at 0..count-1 labelled with their index; every k-th label when
// dense (by count, and at least every minimumStep-th).
QSharedPointer<QCPAxisTickerText> indexTicker(int count, int minimumStep = 1);

// Two nested rectangles around cell (col,row) of an axis pair: a black outer
// and a white inner solid line (FDR flag), readable on any colour.
QList<QCPItemRect *> addCellOutline(QCustomPlot *plot, QCPAxis *x, QCPAxis *y, int col, int row, double widthPx);
// A white line under a black dashed line, slightly outside the cell
// (selection), so it stays distinct from the flag outline.
QList<QCPItemRect *> addCellSelection(QCustomPlot *plot, QCPAxis *x, QCPAxis *y, int col, int row);

// Every how many cells an axis can name one without the names overlapping:
// a label `labelPixels` long along the axis, cells `cellPixels` apart.
int labelStep(double labelPixels, double cellPixels);

// Keeps the cells of a map square: widens the range of whichever axis has
// spare room, centred on the data.
void fitSquareCells(QCPAxisRect *rect, QCPAxis *x, QCPAxis *y, int cols, int rows);

// The DPI QCustomPlot lays text out at (the screen's logical DPI): exports
// draw at this resolution so that text lands where the layout put it.
double layoutDpi();
// A size in points (1/72 inch) in pixels at layoutDpi().
QSize pointsToPixels(const QSize &points);
// The font of exported figures: readable at a paper's column width.
QFont printFont();
// `title` broken after its second " - " part when wider than `width` px.
QString fitTitle(const QString &title, const QFont &font, int width);

// Vector PDF and SVG, raster PNG of the whole plot; `points` is the figure's
// physical size (1/72 inch), so fonts keep their point size on paper.
bool savePdf(QCustomPlot *plot, const QString &path, const QSize &points, const QString &title);
bool saveSvg(QCustomPlot *plot, const QString &path, const QSize &points, const QString &title);
bool savePng(QCustomPlot *plot, const QString &path, const QSize &points, int dpi);
// Draws the plot into `painter` at `pixels` layout units in vector mode.
void drawVector(QCustomPlot *plot, QCPPainter *painter, const QSize &pixels);

// Tick labels of a value axis divided by 10^exponent, so that a colour scale
// reads "1 2 3" with "(x 10^-4)" in its label instead of "0.0001 0.0002".
class ScaledTicker : public QCPAxisTicker
{
public:
    explicit ScaledTicker(int exponent) : m_exponent(exponent) {}
    int exponent() const { return m_exponent; }

protected:
    QString getTickLabel(double tick, const QLocale &locale, QChar formatChar, int precision) override;

private:
    int m_exponent;
};
// The exponent that brings `maxAbs` into [1, 1000), or 0 when it already reads well.
int displayExponent(double maxAbs);
// " (x 10^e)" with a superscript exponent, "" for e = 0.
QString exponentSuffix(int exponent);

} // namespace qkov::plotstyle
