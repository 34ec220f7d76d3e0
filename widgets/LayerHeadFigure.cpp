#include "LayerHeadFigure.h"

#include "PlotStyle.h"

#include <QHelpEvent>
#include <QToolTip>

#include <cmath>

namespace qkov {

LayerHeadFigure::LayerHeadFigure(QWidget *parent) : QCustomPlot(parent)
{
    setMouseTracking(true);
}

void LayerHeadFigure::applyPalette()
{
    applyColors(palette());
    replot(QCustomPlot::rpQueuedReplot);
}

void LayerHeadFigure::selectCell(int layer, int head, int layers, int heads)
{
    const bool valid = layer >= 0 && head >= 0 && layer < layers && head < heads;
    m_selLayer = valid ? layer : -1;
    m_selHead = valid ? head : -1;
    rebuildSelection();
    replot(QCustomPlot::rpQueuedReplot);
}

bool LayerHeadFigure::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = toolTipAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
    if (event->type() == QEvent::FontChange) {
        applyFonts(font());
        replot(QCustomPlot::rpQueuedReplot);
    }
    return QCustomPlot::event(event);
}

void LayerHeadFigure::fitColorScale(QCPColorScale *scale, const std::vector<const std::vector<double> *> &blocks,
                                    bool log, bool diverging, const QString &label)
{
    double lo = qInf(), hi = -qInf(), minPositive = qInf();
    for (const std::vector<double> *values : blocks)
        for (double v : *values) {
            if (!std::isfinite(v))
                continue;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
            if (v > 0)
                minPositive = std::min(minPositive, v);
        }
    if (!std::isfinite(lo)) {
        lo = 0;
        hi = 1;
    }
    scale->setDataScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (log) {
        auto ticker = QSharedPointer<QCPAxisTickerLog>::create();
        ticker->setSubTickCount(8);
        scale->axis()->setTicker(ticker);
        scale->axis()->setNumberFormat(QStringLiteral("eb"));
        scale->axis()->setNumberPrecision(0);
        scale->axis()->setLabel(label + tr(", log scale"));
        scale->setDataRange(QCPRange(std::isfinite(minPositive) ? minPositive : 1e-12, std::max(hi, minPositive * 10)));
        return;
    }
    const int exponent = plotstyle::displayExponent(std::max(std::abs(lo), std::abs(hi)));
    auto ticker = QSharedPointer<plotstyle::ScaledTicker>::create(exponent);
    ticker->setTickCount(5);
    scale->axis()->setTicker(ticker);
    scale->axis()->setNumberFormat(QStringLiteral("g"));
    scale->axis()->setNumberPrecision(4);
    scale->axis()->setLabel(label + plotstyle::exponentSuffix(exponent));
    if (diverging) {
        const double m = std::max({std::abs(lo), std::abs(hi), 1e-300});
        scale->setDataRange(QCPRange(-m, m)); // white is exactly 0
    } else {
        scale->setDataRange(QCPRange(lo, hi > lo ? hi : lo + 1));
    }
}

bool LayerHeadFigure::withPrintLook(const std::function<bool()> &draw, const QSize &pixels)
{
    const int selLayer = m_selLayer, selHead = m_selHead;
    m_selLayer = m_selHead = -1;
    rebuildSelection();
    applyColors(plotstyle::printPalette());
    applyFonts(plotstyle::printFont());
    fitTitleForPrint(pixels.width() - 12);
    setViewport(QRect(QPoint(0, 0), pixels));
    // Twice: label thinning and tick counts read the sizes of the last layout.
    updateLayout();
    updateLayout();
    const bool ok = draw();
    setViewport(rect());
    updateLayout();
    fitTitleForPrint(0);
    applyFonts(font());
    applyColors(palette());
    m_selLayer = selLayer;
    m_selHead = selHead;
    rebuildSelection();
    replot(QCustomPlot::rpQueuedReplot);
    return ok;
}

QSize LayerHeadFigure::exportSize(int width, int height) const
{
    return width > 0 && height > 0 ? QSize(width, height) : preferredExportSize();
}

bool LayerHeadFigure::exportPdf(const QString &path, int width, int height)
{
    const QSize size = exportSize(width, height);
    return withPrintLook([&] { return plotstyle::savePdf(this, path, size, figureTitle()); }, plotstyle::pointsToPixels(size));
}

bool LayerHeadFigure::exportSvg(const QString &path, int width, int height)
{
    const QSize size = exportSize(width, height);
    return withPrintLook([&] { return plotstyle::saveSvg(this, path, size, figureTitle()); }, plotstyle::pointsToPixels(size));
}

bool LayerHeadFigure::exportPng(const QString &path, int dpi, int width, int height)
{
    const QSize size = exportSize(width, height);
    return withPrintLook([&] { return plotstyle::savePng(this, path, size, dpi); }, plotstyle::pointsToPixels(size));
}

void LayerHeadFigure::renderForPrint(QCPPainter *painter, const QSize &size)
{
    withPrintLook([&] {
        plotstyle::drawVector(this, painter, size);
        return true;
    }, size);
}

} // namespace qkov
