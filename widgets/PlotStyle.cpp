#include "PlotStyle.h"

#include <QGuiApplication>
#include <QPdfWriter>
#include <QScreen>
#include <QSvgGenerator>
#include <algorithm>
#include <cmath>

namespace qkov::plotstyle {

QPalette printPalette()
{
    QPalette pal;
    for (auto role : {QPalette::Base, QPalette::Window})
        pal.setColor(role, Qt::white);
    for (auto role : {QPalette::WindowText, QPalette::Text})
        pal.setColor(role, Qt::black);
    pal.setColor(QPalette::Mid, QColor(160, 160, 160));
    return pal;
}

void colorAxis(QCPAxis *axis, const QPalette &palette)
{
    const QColor fg = palette.color(QPalette::WindowText);
    axis->setBasePen(QPen(fg));
    axis->setTickPen(QPen(fg));
    axis->setSubTickPen(QPen(fg));
    axis->setTickLabelColor(fg);
    axis->setLabelColor(fg);
}

void setAxisFonts(QCPAxis *axis, const QFont &base)
{
    axis->setTickLabelFont(base);
    QFont label = base;
    label.setPointSizeF(base.pointSizeF() * 1.05);
    axis->setLabelFont(label);
}

QFont titleFont(const QFont &base)
{
    QFont f = base;
    f.setPointSizeF(base.pointSizeF() * 1.15);
    f.setBold(true);
    return f;
}

QSharedPointer<QCPAxisTickerText> indexTicker(int count, int minimumStep)
{
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    const int step = std::max(minimumStep, count > 48 ? 8 : count > 24 ? 4 : count > 12 ? 2 : 1);
    for (int i = 0; i < count; i += step)
        ticker->addTick(i, QString::number(i));
    return ticker;
}

int labelStep(double labelPixels, double cellPixels)
{
    return cellPixels > 0 ? std::max(1, int(std::ceil(labelPixels / cellPixels))) : 1;
}

namespace {
QCPItemRect *cellRect(QCustomPlot *plot, QCPAxis *x, QCPAxis *y, int col, int row, double inset, const QPen &pen)
{
    auto *rect = new QCPItemRect(plot);
    rect->setClipAxisRect(x->axisRect());
    rect->topLeft->setAxes(x, y);
    rect->bottomRight->setAxes(x, y);
    rect->topLeft->setCoords(col - 0.5 + inset, row - 0.5 + inset);
    rect->bottomRight->setCoords(col + 0.5 - inset, row + 0.5 - inset);
    rect->setPen(pen);
    rect->setBrush(Qt::NoBrush);
    rect->setSelectable(false);
    return rect;
}
} // namespace

QList<QCPItemRect *> addCellOutline(QCustomPlot *plot, QCPAxis *x, QCPAxis *y, int col, int row, double widthPx)
{
    return {cellRect(plot, x, y, col, row, 0.05, QPen(Qt::black, widthPx)),
            cellRect(plot, x, y, col, row, 0.05 + 0.04 * widthPx / 2.4, QPen(Qt::white, widthPx / 2))};
}

QList<QCPItemRect *> addCellSelection(QCustomPlot *plot, QCPAxis *x, QCPAxis *y, int col, int row)
{
    QPen dash(Qt::black, 2.6, Qt::CustomDashLine);
    dash.setDashPattern({2.0, 2.0});
    return {cellRect(plot, x, y, col, row, -0.06, QPen(Qt::white, 2.6)), cellRect(plot, x, y, col, row, -0.06, dash)};
}

void fitSquareCells(QCPAxisRect *rect, QCPAxis *x, QCPAxis *y, int cols, int rows)
{
    if (cols <= 0 || rows <= 0 || rect->width() <= 0 || rect->height() <= 0)
        return;
    const double cell = std::min(rect->width() / double(cols), rect->height() / double(rows));
    const double halfX = rect->width() / cell / 2.0, halfY = rect->height() / cell / 2.0;
    const double cx = (cols - 1) / 2.0, cy = (rows - 1) / 2.0;
    x->setRange(cx - halfX, cx + halfX);
    y->setRange(cy - halfY, cy + halfY);
}

double layoutDpi()
{
    const QScreen *screen = QGuiApplication::primaryScreen();
    return screen ? qBound(72.0, screen->logicalDotsPerInchY(), 300.0) : 96.0;
}

QFont printFont()
{
    QFont f(QStringLiteral("DejaVu Sans"));
    f.setStyleHint(QFont::SansSerif);
    f.setPointSizeF(8.5);
    return f;
}

QString fitTitle(const QString &title, const QFont &font, int width)
{
    const QString separator = QStringLiteral(" - ");
    QStringList parts = title.split(separator);
    // 20 % slack: the PDF engine lays text out wider than the screen metrics say.
    if (parts.size() < 3 || QFontMetrics(font).horizontalAdvance(title) * 6 / 5 <= width)
        return title;
    const QString first = parts.mid(0, 2).join(separator);
    return first + QLatin1Char('\n') + parts.mid(2).join(separator);
}

QSize pointsToPixels(const QSize &points)
{
    const double scale = layoutDpi() / 72.0;
    return {int(std::lround(points.width() * scale)), int(std::lround(points.height() * scale))};
}

void drawVector(QCustomPlot *plot, QCPPainter *painter, const QSize &pixels)
{
    painter->setMode(QCPPainter::pmVectorized);
    painter->setMode(QCPPainter::pmNoCaching);
    painter->setMode(QCPPainter::pmNonCosmetic);
    plot->toPainter(painter, pixels.width(), pixels.height());
}

bool savePdf(QCustomPlot *plot, const QString &path, const QSize &points, const QString &title)
{
    QPdfWriter writer(path);
    writer.setResolution(int(std::lround(layoutDpi())));
    writer.setPageLayout(QPageLayout(QPageSize(QSizeF(points), QPageSize::Point, QString(), QPageSize::ExactMatch),
                                     QPageLayout::Portrait, QMarginsF()));
    writer.setTitle(title);
    writer.setCreator(QStringLiteral("QKOV Workbench"));
    QCPPainter painter;
    if (!painter.begin(&writer))
        return false;
    drawVector(plot, &painter, pointsToPixels(points));
    return painter.end();
}

bool savePng(QCustomPlot *plot, const QString &path, const QSize &points, int dpi)
{
    const QSize pixels = pointsToPixels(points);
    return plot->savePng(path, pixels.width(), pixels.height(), dpi / layoutDpi(), -1, dpi, QCP::ruDotsPerInch);
}

QString ScaledTicker::getTickLabel(double tick, const QLocale &locale, QChar formatChar, int precision)
{
    const double scaled = tick / std::pow(10.0, m_exponent);
    return locale.toString(std::abs(scaled) < 1e-9 ? 0.0 : scaled, 'g', qMax(precision, 4));
}

int displayExponent(double maxAbs)
{
    if (!(maxAbs > 0) || !std::isfinite(maxAbs))
        return 0;
    const int e = int(std::floor(std::log10(maxAbs)));
    return e >= -1 && e <= 3 ? 0 : e;
}

QString exponentSuffix(int exponent)
{
    if (exponent == 0)
        return {};
    static const QString superscripts = QStringLiteral("\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079");
    QString digits;
    for (QChar c : QString::number(std::abs(exponent)))
        digits += superscripts[c.digitValue()];
    return QStringLiteral(" (\u00d710%1%2)").arg(exponent < 0 ? QStringLiteral("\u207b") : QString(), digits);
}

bool saveSvg(QCustomPlot *plot, const QString &path, const QSize &points, const QString &title)
{
    const QSize pixels = pointsToPixels(points);
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setResolution(int(std::lround(layoutDpi())));
    svg.setSize(pixels);
    svg.setViewBox(QRect(QPoint(0, 0), pixels));
    svg.setTitle(title);
    svg.setDescription(QStringLiteral("QKOV Workbench"));
    QCPPainter painter;
    if (!painter.begin(&svg))
        return false;
    drawVector(plot, &painter, pixels);
    return painter.end();
}

} // namespace qkov::plotstyle
