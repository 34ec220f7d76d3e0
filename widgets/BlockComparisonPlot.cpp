#include "BlockComparisonPlot.h"

#include "HeatmapPlot.h"
#include "PlotStyle.h"
#include "session/AnalysisResult.h"

#include <cmath>

namespace qkov {

BlockComparisonPlot::BlockComparisonPlot(QWidget *parent) : LayerHeadFigure(parent)
{
    setAccessibleName(tr("Block comparison"));
    setMinimumSize(520, 320);
}

void BlockComparisonPlot::updateLayout()
{
    QCustomPlot::updateLayout();
    // Square cells at any widget or export size (the axis rects are known only now).
    for (QCPColorMap *map : m_maps)
        if (map)
            plotstyle::fitSquareCells(map->keyAxis()->axisRect(), map->keyAxis(), map->valueAxis(), m_data.heads, m_data.layers);
}

QCPColorMap *BlockComparisonPlot::colorMap(int block) const
{
    return block >= 0 && block < 4 ? m_maps[size_t(block)] : nullptr;
}

void BlockComparisonPlot::setData(const BlockComparisonData &data)
{
    m_data = data;
    clearPlottables();
    clearItems();
    m_selection.clear();
    plotLayout()->clear();
    m_maps = {};

    m_title = new QCPTextElement(this, data.title, plotstyle::titleFont(font()));
    plotLayout()->addElement(0, 0, m_title);
    auto *maps = new QCPLayoutGrid;
    plotLayout()->addElement(1, 0, maps);
    m_barRect = new QCPAxisRect(this);
    plotLayout()->addElement(2, 0, m_barRect);
    plotLayout()->setRowStretchFactor(0, 0.01);
    plotLayout()->setRowStretchFactor(1, 1.0);
    plotLayout()->setRowStretchFactor(2, 0.55);
    maps->setColumnSpacing(12);

    m_scale = new QCPColorScale(this);
    m_scale->setType(QCPAxis::atRight);
    m_scale->setBarWidth(12);
    m_scale->setGradient(data.diverging ? HeatmapPlot::blueWhiteRed() : HeatmapPlot::viridis());
    m_scale->axis()->setLabel(data.valueLabel);
    auto *margins = new QCPMarginGroup(this);

    QVector<double> keys, means;
    m_grid = useGrid(data);
    QCPLayoutGrid *mapGrid = maps;
    if (m_grid) {
        mapGrid = new QCPLayoutGrid;
        maps->addElement(0, 0, mapGrid);
        mapGrid->setColumnSpacing(12);
        mapGrid->setRowSpacing(4);
    }
    for (int b = 0; b < 4; ++b) {
        auto *rect = new QCPAxisRect(this);
        const int row = m_grid ? b / 2 : 0, column = m_grid ? b % 2 : b;
        mapGrid->addElement(row, column, rect);
        rect->setMarginGroup(QCP::msTop | QCP::msBottom | QCP::msLeft, margins);
        QCPAxis *x = rect->axis(QCPAxis::atBottom), *y = rect->axis(QCPAxis::atLeft);
        x->setLabel(tr("Head (block %1)").arg(AnalysisResult::blockName(b)));
        y->setLabel(column == 0 ? tr("Layer") : QString());
        y->setRangeReversed(true);
        x->setTicker(plotstyle::indexTicker(data.heads));
        y->setTicker(plotstyle::indexTicker(data.layers));
        for (QCPAxis *axis : {x, y}) {
            axis->grid()->setVisible(false);
            axis->setSubTicks(false);
        }
        auto *map = new QCPColorMap(x, y);
        m_maps[size_t(b)] = map;
        map->data()->setSize(data.heads, data.layers);
        map->data()->setRange(QCPRange(0, qMax(0, data.heads - 1)), QCPRange(0, qMax(0, data.layers - 1)));
        double sum = 0;
        int count = 0;
        for (int l = 0; l < data.layers; ++l)
            for (int h = 0; h < data.heads; ++h) {
                const size_t i = size_t(l) * size_t(data.heads) + size_t(h);
                const double v = i < data.values[b].size() ? data.values[b][i] : qQNaN();
                map->data()->setCell(h, l, v);
                if (std::isfinite(v)) {
                    sum += v;
                    ++count;
                }
                if (i < data.flagged[b].size() && data.flagged[b][i])
                    plotstyle::addCellOutline(this, x, y, h, l, 2.2);
            }
        map->setColorScale(m_scale);
        map->setInterpolate(false);
        x->setRange(-0.5, data.heads - 0.5);
        y->setRange(-0.5, data.layers - 0.5);
        keys << b;
        means << (count ? sum / count : 0.0);
    }
    // In the 2 x 2 grid the colour scale spans both rows of maps.
    maps->addElement(0, m_grid ? 1 : 4, m_scale);
    if (!m_grid)
        m_scale->setMarginGroup(QCP::msTop | QCP::msBottom, margins);

    m_bars = new QCPBars(m_barRect->axis(QCPAxis::atBottom), m_barRect->axis(QCPAxis::atLeft));
    m_bars->setData(keys, means);
    m_bars->setWidth(0.6);
    m_bars->setBrush(QColor(49, 104, 142)); // viridis blue: readable on light and dark backgrounds
    m_bars->setPen(Qt::NoPen);
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (int b = 0; b < 4; ++b)
        ticker->addTick(b, tr("Block %1").arg(AnalysisResult::blockName(b)));
    QCPAxis *barX = m_barRect->axis(QCPAxis::atBottom), *barY = m_barRect->axis(QCPAxis::atLeft);
    barX->setTicker(ticker);
    barX->setRange(-0.6, 3.6);
    barX->grid()->setVisible(false);
    barY->rescale();
    const QCPRange r = barY->range();
    barY->setRange(std::min(0.0, r.lower * 1.1), std::max(r.upper * 1.15, 1e-300));
    const int exponent = plotstyle::displayExponent(std::max(std::abs(r.lower), std::abs(r.upper)));
    auto barTicker = QSharedPointer<plotstyle::ScaledTicker>::create(exponent);
    barTicker->setTickCount(4);
    barY->setTicker(barTicker);
    barY->setLabel(tr("Mean over heads") + plotstyle::exponentSuffix(exponent));
    if (m_selLayer >= data.layers || m_selHead >= data.heads)
        m_selLayer = m_selHead = -1;
    rebuildSelection();
    updateScale();
    applyFonts(font());
    applyPalette();
    replot();
}

void BlockComparisonPlot::updateScale()
{
    if (m_scale)
        fitColorScale(m_scale, {&m_data.values[0], &m_data.values[1], &m_data.values[2], &m_data.values[3]}, m_log,
                      m_data.diverging, m_data.valueLabel);
}

void BlockComparisonPlot::setLogScale(bool log)
{
    m_log = log && !m_data.diverging;
    updateScale();
    replot(QCustomPlot::rpQueuedReplot);
}

void BlockComparisonPlot::rebuildSelection()
{
    for (QCPItemRect *r : std::as_const(m_selection))
        removeItem(r);
    m_selection.clear();
    if (m_selLayer < 0)
        return;
    for (QCPColorMap *map : m_maps)
        if (map)
            m_selection << plotstyle::addCellSelection(this, map->keyAxis(), map->valueAxis(), m_selHead, m_selLayer);
}

void BlockComparisonPlot::applyFonts(const QFont &base)
{
    for (QCPAxisRect *rect : axisRects())
        for (QCPAxis *axis : rect->axes())
            plotstyle::setAxisFonts(axis, base);
    if (m_scale)
        plotstyle::setAxisFonts(m_scale->axis(), base);
    if (m_title)
        m_title->setFont(plotstyle::titleFont(base));
}

bool BlockComparisonPlot::useGrid(const BlockComparisonData &data)
{
    // 2 x 2 when a row of four maps would be much wider than the figure (the
    // usual case: more heads than layers), one row for tall or square maps.
    if (data.layers <= 0 || data.heads <= 0)
        return false;
    const double aspect = double(data.heads) / data.layers, target = 2.5;
    return std::abs(std::log(aspect / target)) < std::abs(std::log(4 * aspect / target));
}

void BlockComparisonPlot::applyColors(const QPalette &pal)
{
    setBackground(pal.brush(QPalette::Base));
    for (QCPAxisRect *rect : axisRects()) {
        rect->setBackground(pal.brush(QPalette::Base));
        for (QCPAxis *axis : rect->axes())
            plotstyle::colorAxis(axis, pal);
    }
    if (m_scale)
        plotstyle::colorAxis(m_scale->axis(), pal);
    if (m_title)
        m_title->setTextColor(pal.color(QPalette::WindowText));
}

bool BlockComparisonPlot::cellAt(const QPoint &pos, int *block, int *layer, int *head) const
{
    for (int b = 0; b < 4; ++b) {
        const QCPColorMap *map = m_maps[size_t(b)];
        if (!map || !map->keyAxis()->axisRect()->rect().contains(pos))
            continue;
        const int h = int(std::lround(map->keyAxis()->pixelToCoord(pos.x())));
        const int l = int(std::lround(map->valueAxis()->pixelToCoord(pos.y())));
        if (h < 0 || h >= m_data.heads || l < 0 || l >= m_data.layers)
            return false;
        *block = b;
        *layer = l;
        *head = h;
        return true;
    }
    return false;
}

QPoint BlockComparisonPlot::cellCenter(int block, int layer, int head) const
{
    const QCPColorMap *map = colorMap(block);
    if (!map)
        return {};
    return QPoint(int(std::lround(map->keyAxis()->coordToPixel(head))), int(std::lround(map->valueAxis()->coordToPixel(layer))));
}

QString BlockComparisonPlot::toolTipAt(const QPoint &pos) const
{
    int b = 0, l = 0, h = 0;
    if (!cellAt(pos, &b, &l, &h))
        return {};
    const size_t i = size_t(l) * size_t(m_data.heads) + size_t(h);
    const auto &v = m_data.values[size_t(b)];
    const auto &f = m_data.flagged[size_t(b)];
    QString text = tr("Block %1, layer %2, head %3\nscore %4")
                       .arg(AnalysisResult::blockName(b)).arg(l).arg(h).arg(i < v.size() ? v[i] : qQNaN(), 0, 'g', 4);
    if (i < f.size() && f[i])
        text += tr("\nFlagged (FDR)");
    return text;
}

void BlockComparisonPlot::mouseReleaseEvent(QMouseEvent *event)
{
    int b = 0, l = 0, h = 0;
    if (event->button() == Qt::LeftButton && cellAt(event->pos(), &b, &l, &h))
        Q_EMIT cellClicked(b, l, h);
    QCustomPlot::mouseReleaseEvent(event);
}

void BlockComparisonPlot::mouseDoubleClickEvent(QMouseEvent *event)
{
    int b = 0, l = 0, h = 0;
    if (event->button() == Qt::LeftButton && cellAt(event->pos(), &b, &l, &h))
        Q_EMIT cellDoubleClicked(b, l, h);
    QCustomPlot::mouseDoubleClickEvent(event);
}

QSize BlockComparisonPlot::preferredExportSize() const
{
    // In points: maps of 12 pt cells, the colour scale, and the bar chart below.
    const int cell = m_data.heads > 16 || m_data.layers > 16 ? 7 : 12;
    const int mapW = m_data.heads * cell + 40, mapH = m_data.layers * cell + 34;
    const int columns = m_grid ? 2 : 4, rows = m_grid ? 2 : 1;
    const QFont title = plotstyle::titleFont(plotstyle::printFont());
    const int titleWidth = QFontMetrics(title).horizontalAdvance(m_data.title) * 72 / int(plotstyle::layoutDpi()) + 16;
    return {std::max({340, titleWidth, columns * mapW + 80}), qMax(300, 30 + rows * mapH + 130)};
}

} // namespace qkov
