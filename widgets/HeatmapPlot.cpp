#include "HeatmapPlot.h"

#include "PlotStyle.h"

#include <QKeyEvent>
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
    : LayerHeadFigure(parent), m_map(new QCPColorMap(xAxis, yAxis)), m_scale(new QCPColorScale(this)),
      m_title(new QCPTextElement(this, QString(), plotstyle::titleFont(font())))
{
    setAccessibleName(tr("Layer by head heatmap"));
    setFocusPolicy(Qt::StrongFocus);
    plotLayout()->insertRow(0);
    plotLayout()->addElement(0, 0, m_title);
    plotLayout()->addElement(1, 1, m_scale);
    m_scale->setType(QCPAxis::atRight);
    m_scale->setBarWidth(14);
    m_map->setColorScale(m_scale);
    m_map->setGradient(viridis());
    m_map->setInterpolate(false);
    xAxis->setLabel(tr("Head"));
    yAxis->setLabel(tr("Layer"));
    yAxis->setRangeReversed(true); // layer 0 at the top, as researchers read a network
    for (QCPAxis *axis : {xAxis, yAxis, m_scale->axis()}) {
        axis->grid()->setVisible(false);
        axis->setSubTicks(false);
    }
    m_scale->axis()->setSubTicks(true);
    applyFonts(font());
    // Keep the plot's margins in step with the colour scale's.
    auto *group = new QCPMarginGroup(this);
    axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    m_scale->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    setBaseMinimumSize(QSize(260, 200));
    applyPalette();
}

void HeatmapPlot::applyColors(const QPalette &pal)
{
    setBackground(pal.brush(QPalette::Base));
    axisRect()->setBackground(pal.brush(QPalette::Base));
    for (QCPAxis *axis : {xAxis, yAxis, m_scale->axis()})
        plotstyle::colorAxis(axis, pal);
    m_title->setTextColor(pal.color(QPalette::WindowText));
}

void HeatmapPlot::updateLayout()
{
    QCustomPlot::updateLayout();
    // Square cells at any widget or export size (the axis rect is known only now).
    plotstyle::fitSquareCells(axisRect(), xAxis, yAxis, m_data.heads, m_data.layers);
    // Labels fitted to the sizes just laid out, once per size: they change
    // the margins, and with them the sizes, which must not start a cycle.
    if (viewport().size() != m_labelledAt) {
        m_labelledAt = viewport().size();
        if (fitLabelsToCells())
            replot(QCustomPlot::rpQueuedReplot);
    }
}

bool HeatmapPlot::fitLabelsToCells()
{
    bool changed = false;
    // As many colour-scale ticks as its height holds.
    if (const int height = m_scale->rect().height(); height > 0) {
        const int lineHeight = QFontMetrics(m_scale->axis()->tickLabelFont()).height();
        const int ticks = qBound(2, int(height / (2.5 * lineHeight)), 5);
        changed = ticks != m_scale->axis()->ticker()->tickCount();
        m_scale->axis()->ticker()->setTickCount(ticks);
    }
    // Layer and head numbers thinned to the cells' size, so that small cells
    // (the probe's overview) do not print numbers over each other.
    if (m_data.layers > 0 && axisRect()->height() > 0 && yAxis->range().size() > 0) {
        const QFontMetrics metrics(yAxis->tickLabelFont());
        const double cell = axisRect()->height() / yAxis->range().size(); // square cells
        const int layerStep = plotstyle::labelStep(metrics.height(), cell);
        const int headStep = plotstyle::labelStep(1.4 * metrics.horizontalAdvance(QString::number(m_data.heads - 1)), cell);
        if (layerStep != m_layerLabelStep || headStep != m_headLabelStep) {
            m_layerLabelStep = layerStep;
            m_headLabelStep = headStep;
            yAxis->setTicker(plotstyle::indexTicker(m_data.layers, layerStep));
            xAxis->setTicker(plotstyle::indexTicker(m_data.heads, headStep));
            changed = true;
        }
    }
    return changed;
}

void HeatmapPlot::applyFonts(const QFont &base)
{
    for (QCPAxis *axis : {xAxis, yAxis, m_scale->axis()})
        plotstyle::setAxisFonts(axis, base);
    m_title->setFont(plotstyle::titleFont(base));
}

void HeatmapPlot::setData(const HeatmapData &data)
{
    m_data = data;
    m_title->setText(data.title);
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
    xAxis->setTicker(plotstyle::indexTicker(data.heads));
    yAxis->setTicker(plotstyle::indexTicker(data.layers));
    m_layerLabelStep = m_headLabelStep = 1;
    m_labelledAt = QSize();
    xAxis->setRange(-0.5, data.heads - 0.5);
    yAxis->setRange(-0.5, data.layers - 0.5);
    // Cells keep their minimum size on screen; labels and scale need ~150 px.
    setMinimumSize(qMax(m_baseMinimum.width(), 150 + m_minimumCell * data.heads),
                   qMax(m_baseMinimum.height(), 110 + m_minimumCell * data.layers));
    if (m_selLayer >= data.layers || m_selHead >= data.heads)
        m_selLayer = m_selHead = -1;
    updateRange();
    rebuildOutlines();
    rebuildSelection();
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
    fitColorScale(m_scale, {&m_data.values}, m_log, m_data.diverging, m_data.valueLabel);
    m_labelledAt = QSize(); // a new ticker: fit it at the next layout
}

void HeatmapPlot::rebuildOutlines()
{
    for (QCPItemRect *r : std::as_const(m_outlines))
        removeItem(r);
    m_outlines.clear();
    if (m_data.flagged.size() != m_data.values.size())
        return;
    for (int l = 0; l < m_data.layers; ++l)
        for (int h = 0; h < m_data.heads; ++h)
            if (m_data.flagged[size_t(l) * size_t(m_data.heads) + size_t(h)])
                m_outlines << plotstyle::addCellOutline(this, xAxis, yAxis, h, l, 3.0);
}

void HeatmapPlot::rebuildSelection()
{
    for (QCPItemRect *r : std::as_const(m_selection))
        removeItem(r);
    m_selection.clear();
    if (m_selLayer >= 0)
        m_selection = plotstyle::addCellSelection(this, xAxis, yAxis, m_selHead, m_selLayer);
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

QPoint HeatmapPlot::cellCenter(int layer, int head) const
{
    return QPoint(int(std::lround(xAxis->coordToPixel(head))), int(std::lround(yAxis->coordToPixel(layer))));
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

QString HeatmapPlot::toolTipAt(const QPoint &pos) const
{
    int l = 0, h = 0;
    return cellAt(pos, &l, &h) ? cellToolTip(l, h) : QString();
}

void HeatmapPlot::fitTitleForPrint(int width)
{
    m_title->setText(width > 0 ? plotstyle::fitTitle(m_data.title, m_title->font(), width) : m_data.title);
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

void HeatmapPlot::keyPressEvent(QKeyEvent *event)
{
    if (m_data.layers == 0) {
        QCustomPlot::keyPressEvent(event);
        return;
    }
    int l = qMax(0, m_selLayer), h = qMax(0, m_selHead);
    switch (event->key()) {
    case Qt::Key_Up: l = qMax(0, l - 1); break;
    case Qt::Key_Down: l = qMin(m_data.layers - 1, l + 1); break;
    case Qt::Key_Left: h = qMax(0, h - 1); break;
    case Qt::Key_Right: h = qMin(m_data.heads - 1, h + 1); break;
    case Qt::Key_Space:
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (m_selLayer >= 0)
            Q_EMIT cellDoubleClicked(m_selLayer, m_selHead);
        return;
    default: QCustomPlot::keyPressEvent(event); return;
    }
    Q_EMIT cellClicked(l, h);
}

QSize HeatmapPlot::preferredExportSize() const
{
    // Square cells of 16 pt (column width for a 8-head model), plus room for
    // the labels and the colour scale; never narrower than the title.
    const int cell = m_data.heads > 24 || m_data.layers > 24 ? 9 : 16;
    const QFont title = plotstyle::titleFont(plotstyle::printFont());
    // Generous: font metrics of the layout device and of the PDF engine differ by a few percent.
    const int titleWidth = QFontMetrics(title).horizontalAdvance(m_data.title.section(QLatin1Char('\n'), 0, 0)) * 72 * 6
                           / (5 * int(plotstyle::layoutDpi())) + 32;
    const int width = qMax(240, 140 + m_data.heads * cell);
    const bool twoLines = titleWidth > width && m_data.title.count(QStringLiteral(" - ")) >= 2;
    // The colour scale (as tall as the cells) must hold its rotated label.
    QFont labelFont = plotstyle::printFont();
    labelFont.setPointSizeF(labelFont.pointSizeF() * 1.05);
    const int labelWidth = QFontMetrics(labelFont).horizontalAdvance(m_scale->axis()->label()) * 72 / int(plotstyle::layoutDpi());
    const int chrome = twoLines ? 100 : 88;
    return {twoLines ? width : qMax(width, titleWidth), std::max({180, chrome + m_data.layers * cell, chrome + labelWidth + 8})};
}

} // namespace qkov
