#include "HeatmapPlot.h"

#include <QHelpEvent>
#include <QSvgGenerator>
#include <QToolTip>
#include <cmath>

namespace qkov {

QCPColorGradient HeatmapPlot::viridis()
{
    // Stops of matplotlib's viridis (perceptually uniform, colour-blind safe,
    // monotone in lightness so it survives greyscale print).
    static const QColor stops[] = {QColor(68, 1, 84),    QColor(72, 40, 120),  QColor(62, 74, 137),
                                   QColor(49, 104, 142), QColor(38, 130, 142), QColor(31, 158, 137),
                                   QColor(53, 183, 121), QColor(109, 205, 89), QColor(180, 222, 44),
                                   QColor(253, 231, 37)};
    QCPColorGradient g;
    g.clearColorStops();
    for (int i = 0; i < 10; ++i)
        g.setColorStopAt(i / 9.0, stops[i]);
    g.setColorInterpolation(QCPColorGradient::ciRGB);
    g.setLevelCount(256);
    return g;
}

QCPColorGradient HeatmapPlot::blueWhiteRed()
{
    // ColorBrewer RdBu (reversed: blue negative, red positive), white at 0.
    static const QColor stops[] = {QColor(5, 48, 97),     QColor(33, 102, 172),  QColor(67, 147, 195),
                                   QColor(146, 197, 222), QColor(209, 229, 240), QColor(247, 247, 247),
                                   QColor(253, 219, 199), QColor(244, 165, 130), QColor(214, 96, 77),
                                   QColor(178, 24, 43),   QColor(103, 0, 31)};
    QCPColorGradient g;
    g.clearColorStops();
    for (int i = 0; i < 11; ++i)
        g.setColorStopAt(i / 10.0, stops[i]);
    g.setColorInterpolation(QCPColorGradient::ciRGB);
    g.setLevelCount(256);
    return g;
}

HeatmapPlot::HeatmapPlot(QWidget *parent)
    : QCustomPlot(parent), m_map(new QCPColorMap(xAxis, yAxis)), m_scale(new QCPColorScale(this)),
      m_title(new QCPTextElement(this, QString(), QFont(font().family(), int(font().pointSize() * 1.15), QFont::Bold)))
{
    setAccessibleName(tr("Layer by head heatmap"));
    plotLayout()->insertRow(0);
    plotLayout()->addElement(0, 0, m_title);
    plotLayout()->addElement(1, 1, m_scale);
    m_scale->setType(QCPAxis::atRight);
    m_map->setColorScale(m_scale);
    m_map->setGradient(viridis());
    m_map->setInterpolate(false);
    m_map->setTightBoundary(true);
    xAxis->setLabel(tr("Head"));
    yAxis->setLabel(tr("Layer"));
    yAxis->setRangeReversed(true); // layer 0 at the top, as researchers read a network
    for (QCPAxis *axis : {xAxis, yAxis}) {
        axis->grid()->setVisible(false);
        axis->setSubTicks(false);
        axis->setTicker(QSharedPointer<QCPAxisTickerFixed>::create());
        axis->ticker().staticCast<QCPAxisTickerFixed>()->setTickStep(1.0);
        axis->ticker().staticCast<QCPAxisTickerFixed>()->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    }
    // Keep the plot's margins in step with the colour scale's.
    auto *group = new QCPMarginGroup(this);
    axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    m_scale->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    setMouseTracking(true);
    applyPalette();
}

void HeatmapPlot::applyPalette()
{
    const QPalette pal = palette();
    const QColor fg = pal.color(QPalette::WindowText);
    setBackground(pal.brush(QPalette::Base));
    axisRect()->setBackground(pal.brush(QPalette::Base));
    for (QCPAxis *axis : {xAxis, yAxis, m_scale->axis()}) {
        axis->setBasePen(QPen(fg));
        axis->setTickPen(QPen(fg));
        axis->setSubTickPen(QPen(fg));
        axis->setTickLabelColor(fg);
        axis->setLabelColor(fg);
    }
    m_title->setTextColor(fg);
    replot(QCustomPlot::rpQueuedReplot);
}

void HeatmapPlot::setData(const HeatmapData &data)
{
    m_data = data;
    m_title->setText(data.title);
    m_scale->axis()->setLabel(data.valueLabel);
    m_map->data()->setSize(data.heads, data.layers);
    m_map->data()->setRange(QCPRange(0, qMax(0, data.heads - 1)), QCPRange(0, qMax(0, data.layers - 1)));
    for (int l = 0; l < data.layers; ++l)
        for (int h = 0; h < data.heads; ++h) {
            const size_t i = size_t(l) * size_t(data.heads) + size_t(h);
            m_map->data()->setCell(h, l, i < data.values.size() ? data.values[i] : qQNaN());
        }
    m_map->setGradient(data.diverging ? blueWhiteRed() : viridis());
    if (data.diverging)
        m_log = false;
    xAxis->setRange(-0.5, data.heads - 0.5);
    yAxis->setRange(-0.5, data.layers - 0.5);
    updateRange();
    rebuildOutlines();
    replot();
}

void HeatmapPlot::setLogScale(bool log)
{
    m_log = log && !m_data.diverging;
    updateRange();
    replot();
}

void HeatmapPlot::updateRange()
{
    double lo = qInf(), hi = -qInf(), minPositive = qInf();
    for (double v : m_data.values) {
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
    m_scale->setDataScaleType(m_log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (m_log) {
        m_scale->axis()->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
        m_scale->setDataRange(QCPRange(std::isfinite(minPositive) ? minPositive : 1e-12, std::max(hi, minPositive * 10)));
    } else {
        m_scale->axis()->setTicker(QSharedPointer<QCPAxisTicker>::create());
        if (m_data.diverging) {
            const double m = std::max({std::abs(lo), std::abs(hi), 1e-300});
            m_scale->setDataRange(QCPRange(-m, m)); // white is exactly 0
        } else {
            m_scale->setDataRange(QCPRange(lo, hi > lo ? hi : lo + 1));
        }
    }
}

void HeatmapPlot::rebuildOutlines()
{
    for (QCPItemRect *r : std::as_const(m_outlines))
        removeItem(r);
    m_outlines.clear();
    if (m_data.flagged.size() != m_data.values.size())
        return;
    for (int l = 0; l < m_data.layers; ++l)
        for (int h = 0; h < m_data.heads; ++h) {
            if (!m_data.flagged[size_t(l) * size_t(m_data.heads) + size_t(h)])
                continue;
            // A black outer and a white inner line: visible on any cell colour.
            for (const auto &[inset, color, widthPx] : {std::tuple{0.04, QColor(Qt::black), 3.0}, std::tuple{0.10, QColor(Qt::white), 1.6}}) {
                auto *rect = new QCPItemRect(this);
                rect->topLeft->setCoords(h - 0.5 + inset, l - 0.5 + inset);
                rect->bottomRight->setCoords(h + 0.5 - inset, l + 0.5 - inset);
                rect->setPen(QPen(color, widthPx));
                rect->setBrush(Qt::NoBrush);
                rect->setSelectable(false);
                m_outlines << rect;
            }
        }
}

bool HeatmapPlot::cellAt(const QPoint &pos, int *layer, int *head) const
{
    if (!axisRect()->rect().contains(pos) || m_data.layers == 0)
        return false;
    const int h = int(std::lround(xAxis->pixelToCoord(pos.x())));
    const int l = int(std::lround(yAxis->pixelToCoord(pos.y())));
    if (h < 0 || h >= m_data.heads || l < 0 || l >= m_data.layers)
        return false;
    *layer = l;
    *head = h;
    return true;
}

QString HeatmapPlot::cellToolTip(int layer, int head) const
{
    const size_t i = size_t(layer) * size_t(m_data.heads) + size_t(head);
    auto at = [i](const std::vector<double> &v) { return i < v.size() ? v[i] : qQNaN(); };
    QString text = tr("Layer %1, head %2\nscore %3").arg(layer).arg(head).arg(at(m_data.values), 0, 'g', 4);
    if (!m_data.p.empty())
        text += tr("\np %1, q %2, z %3").arg(at(m_data.p), 0, 'g', 3).arg(at(m_data.q), 0, 'g', 3).arg(at(m_data.z), 0, 'f', 2);
    if (!m_data.ciLow.empty())
        text += tr("\n95% CI [%1, %2]").arg(at(m_data.ciLow), 0, 'g', 4).arg(at(m_data.ciHigh), 0, 'g', 4);
    if (m_data.kvGroupSize > 1) {
        const int group = head / m_data.kvGroupSize;
        text += tr("\nKV group %1 (heads %2-%3 share K and V)").arg(group).arg(group * m_data.kvGroupSize)
                    .arg(group * m_data.kvGroupSize + m_data.kvGroupSize - 1);
    }
    if (i < m_data.flagged.size() && m_data.flagged[i])
        text += tr("\nFlagged (FDR)");
    return text;
}

bool HeatmapPlot::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        int l = 0, h = 0;
        if (cellAt(help->pos(), &l, &h))
            QToolTip::showText(help->globalPos(), cellToolTip(l, h), this);
        else
            QToolTip::hideText();
        return true;
    }
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
    return QCustomPlot::event(event);
}

void HeatmapPlot::mouseReleaseEvent(QMouseEvent *event)
{
    int l = 0, h = 0;
    if (event->button() == Qt::LeftButton && cellAt(event->pos(), &l, &h))
        Q_EMIT cellClicked(l, h);
    QCustomPlot::mouseReleaseEvent(event);
}

void HeatmapPlot::mouseDoubleClickEvent(QMouseEvent *event)
{
    int l = 0, h = 0;
    if (event->button() == Qt::LeftButton && cellAt(event->pos(), &l, &h))
        Q_EMIT cellDoubleClicked(l, h);
    QCustomPlot::mouseDoubleClickEvent(event);
}

QSize HeatmapPlot::preferredExportSize() const
{
    // Square cells of ~22 pt, plus room for labels, title and colour scale.
    const int cell = m_data.heads > 24 || m_data.layers > 24 ? 12 : 22;
    return {qMax(320, 130 + m_data.heads * cell), qMax(240, 100 + m_data.layers * cell)};
}

bool HeatmapPlot::exportPdf(const QString &path, int width, int height)
{
    const QSize size = width > 0 ? QSize(width, height) : preferredExportSize();
    return savePdf(path, size.width(), size.height(), QCP::epNoCosmetic, QStringLiteral("QKOV Workbench"), m_data.title);
}

bool HeatmapPlot::exportSvg(const QString &path, int width, int height)
{
    const QSize size = width > 0 ? QSize(width, height) : preferredExportSize();
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(m_data.title);
    QCPPainter painter;
    if (!painter.begin(&svg))
        return false;
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
    toPainter(&painter, size.width(), size.height());
    return painter.end();
}

bool HeatmapPlot::exportPng(const QString &path, int dpi, int width, int height)
{
    const QSize size = width > 0 ? QSize(width, height) : preferredExportSize();
    const double scale = dpi / 72.0; // export sizes are in points
    return savePng(path, size.width(), size.height(), scale, -1, dpi, QCP::ruDotsPerInch);
}

} // namespace qkov
