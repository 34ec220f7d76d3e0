#include "BlockComparisonPlot.h"

#include "HeatmapPlot.h"

#include <cmath>

namespace qkov {

namespace {
const char *const blockNames[4] = {"Q", "K", "V", "O"};
}

BlockComparisonPlot::BlockComparisonPlot(QWidget *parent) : QCustomPlot(parent)
{
    setAccessibleName(tr("Block comparison"));
}

void BlockComparisonPlot::setData(const BlockComparisonData &data)
{
    m_data = data;
    clearPlottables();
    clearItems();
    plotLayout()->clear();

    const QColor fg = palette().color(QPalette::WindowText);
    auto *title = new QCPTextElement(this, data.title, QFont(font().family(), int(font().pointSize() * 1.15), QFont::Bold));
    title->setTextColor(fg);
    plotLayout()->addElement(0, 0, title);
    auto *maps = new QCPLayoutGrid;
    plotLayout()->addElement(1, 0, maps);
    auto *bars = new QCPAxisRect(this);
    plotLayout()->addElement(2, 0, bars);
    plotLayout()->setRowStretchFactor(0, 0.01);
    plotLayout()->setRowStretchFactor(1, 1.0);
    plotLayout()->setRowStretchFactor(2, 0.45);

    double lo = qInf(), hi = -qInf();
    for (const auto &v : data.values)
        for (double x : v)
            if (std::isfinite(x)) {
                lo = std::min(lo, x);
                hi = std::max(hi, x);
            }
    if (!std::isfinite(lo)) {
        lo = 0;
        hi = 1;
    }
    if (data.diverging) {
        const double m = std::max({std::abs(lo), std::abs(hi), 1e-300});
        lo = -m;
        hi = m;
    }
    auto *scale = new QCPColorScale(this);
    scale->setType(QCPAxis::atRight);
    scale->setGradient(data.diverging ? HeatmapPlot::blueWhiteRed() : HeatmapPlot::viridis());
    scale->setDataRange(QCPRange(lo, hi > lo ? hi : lo + 1));
    scale->axis()->setLabel(data.valueLabel);
    auto *margins = new QCPMarginGroup(this);

    QVector<double> keys, means;
    for (int b = 0; b < 4; ++b) {
        auto *rect = new QCPAxisRect(this);
        maps->addElement(0, b, rect);
        rect->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
        QCPAxis *x = rect->axis(QCPAxis::atBottom), *y = rect->axis(QCPAxis::atLeft);
        x->setLabel(tr("Head (%1)").arg(QLatin1String(blockNames[b])));
        y->setLabel(b == 0 ? tr("Layer") : QString());
        y->setRangeReversed(true);
        for (QCPAxis *axis : {x, y}) {
            axis->grid()->setVisible(false);
            axis->setSubTicks(false);
            auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
            ticker->setTickStep(1.0);
            ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
            axis->setTicker(ticker);
        }
        auto *map = new QCPColorMap(x, y);
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
                if (i < data.flagged[b].size() && data.flagged[b][i]) {
                    for (const auto &[inset, color, w] : {std::tuple{0.04, QColor(Qt::black), 2.4}, std::tuple{0.12, QColor(Qt::white), 1.2}}) {
                        auto *r = new QCPItemRect(this);
                        r->setClipAxisRect(rect);
                        r->topLeft->setAxes(x, y);
                        r->bottomRight->setAxes(x, y);
                        r->topLeft->setCoords(h - 0.5 + inset, l - 0.5 + inset);
                        r->bottomRight->setCoords(h + 0.5 - inset, l + 0.5 - inset);
                        r->setPen(QPen(color, w));
                    }
                }
            }
        map->setColorScale(scale);
        map->setInterpolate(false);
        x->setRange(-0.5, data.heads - 0.5);
        y->setRange(-0.5, data.layers - 0.5);
        keys << b;
        means << (count ? sum / count : 0.0);
    }
    maps->addElement(0, 4, scale);
    scale->setMarginGroup(QCP::msTop | QCP::msBottom, margins);

    auto *barChart = new QCPBars(bars->axis(QCPAxis::atBottom), bars->axis(QCPAxis::atLeft));
    barChart->setData(keys, means);
    barChart->setWidth(0.6);
    barChart->setBrush(QColor(49, 104, 142));
    barChart->setPen(Qt::NoPen);
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (int b = 0; b < 4; ++b)
        ticker->addTick(b, tr("Block %1").arg(QLatin1String(blockNames[b])));
    bars->axis(QCPAxis::atBottom)->setTicker(ticker);
    bars->axis(QCPAxis::atBottom)->setRange(-0.6, 3.6);
    bars->axis(QCPAxis::atBottom)->grid()->setVisible(false);
    bars->axis(QCPAxis::atLeft)->setLabel(tr("Mean over heads"));
    bars->axis(QCPAxis::atLeft)->rescale();
    QCPRange r = bars->axis(QCPAxis::atLeft)->range();
    bars->axis(QCPAxis::atLeft)->setRange(std::min(0.0, r.lower * 1.1), std::max(r.upper * 1.1, 1e-300));
    applyPalette();
    replot();
}

void BlockComparisonPlot::applyPalette()
{
    const QPalette pal = palette();
    const QColor fg = pal.color(QPalette::WindowText);
    setBackground(pal.brush(QPalette::Base));
    for (QCPAxisRect *rect : axisRects()) {
        rect->setBackground(pal.brush(QPalette::Base));
        for (QCPAxis *axis : rect->axes()) {
            axis->setBasePen(QPen(fg));
            axis->setTickPen(QPen(fg));
            axis->setSubTickPen(QPen(fg));
            axis->setTickLabelColor(fg);
            axis->setLabelColor(fg);
        }
    }
    replot(QCustomPlot::rpQueuedReplot);
}

bool BlockComparisonPlot::event(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
    return QCustomPlot::event(event);
}

QSize BlockComparisonPlot::preferredExportSize() const
{
    const int cell = m_data.heads > 16 || m_data.layers > 16 ? 9 : 16;
    return {qMax(640, 200 + 4 * (m_data.heads * cell + 50)), qMax(420, 260 + m_data.layers * cell)};
}

bool BlockComparisonPlot::exportPdf(const QString &path)
{
    const QSize size = preferredExportSize();
    return savePdf(path, size.width(), size.height(), QCP::epNoCosmetic, QStringLiteral("QKOV Workbench"), m_data.title);
}

bool BlockComparisonPlot::exportPng(const QString &path, int dpi)
{
    const QSize size = preferredExportSize();
    return savePng(path, size.width(), size.height(), dpi / 72.0, -1, dpi, QCP::ruDotsPerInch);
}

} // namespace qkov
