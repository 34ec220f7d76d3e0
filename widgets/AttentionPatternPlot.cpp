#include "AttentionPatternPlot.h"

#include "HeatmapPlot.h"
#include "PlotStyle.h"

#include <QFontMetrics>
#include <QHelpEvent>
#include <QToolTip>


namespace qkov {

namespace {

// Token pieces as a reader wants them on an axis: SentencePiece's word
// marker shown as a leading space mark, control characters made visible.
QString tokenLabel(QString token)
{
    token.replace(QChar(0x2581), QChar(0x2423)); // ▁ -> ␣
    token.replace(QLatin1Char('\n'), QChar(0x21b5));
    token.replace(QLatin1Char('\t'), QChar(0x21e5));
    return token;
}

} // namespace

AttentionPatternPlot::AttentionPatternPlot(QWidget *parent)
    : QCustomPlot(parent),
      m_title(new QCPTextElement(this, QString(), QFont(font().family(), font().pointSize(), QFont::Bold))),
      m_baselineRect(axisRect()), m_frozenRect(new QCPAxisRect(this)), m_scale(new QCPColorScale(this))
{
    setAccessibleName(tr("Attention pattern of the selected head, baseline and frozen"));
    // The title above a row of its own: in the row's first column it would
    // widen the baseline's column to its text and squeeze the frozen one.
    plotLayout()->take(m_baselineRect);
    plotLayout()->simplify();
    auto *maps = new QCPLayoutGrid;
    plotLayout()->addElement(0, 0, m_title);
    plotLayout()->addElement(1, 0, maps);
    maps->addElement(0, 0, m_baselineRect);
    maps->addElement(0, 1, m_frozenRect);
    maps->addElement(0, 2, m_scale);
    maps->setColumnStretchFactor(2, 0.08);
    m_title->setLayer(QStringLiteral("main"));
    m_scale->setType(QCPAxis::atRight);
    m_scale->setDataRange(QCPRange(0, 1));
    m_scale->setGradient(HeatmapPlot::viridis());
    m_scale->axis()->setLabel(tr("attention"));
    setupAxes(m_baselineRect, tr("baseline"));
    setupAxes(m_frozenRect, tr("frozen"));
    m_baseline = new QCPColorMap(m_baselineRect->axis(QCPAxis::atBottom), m_baselineRect->axis(QCPAxis::atLeft));
    m_frozen = new QCPColorMap(m_frozenRect->axis(QCPAxis::atBottom), m_frozenRect->axis(QCPAxis::atLeft));
    for (QCPColorMap *map : {m_baseline, m_frozen}) {
        map->setColorScale(m_scale);
        map->setInterpolate(false);
        map->setTightBoundary(true);
    }
    auto *group = new QCPMarginGroup(this);
    for (QCPLayoutElement *e : {static_cast<QCPLayoutElement *>(m_baselineRect), static_cast<QCPLayoutElement *>(m_frozenRect),
                                static_cast<QCPLayoutElement *>(m_scale)})
        e->setMarginGroup(QCP::msTop | QCP::msBottom, group);
    // Equal left margins: the two patterns get cells of one size.
    auto *left = new QCPMarginGroup(this);
    m_baselineRect->setMarginGroup(QCP::msLeft, left);
    m_frozenRect->setMarginGroup(QCP::msLeft, left);
    setMouseTracking(true);
    // The rects' sizes are known after a layout: thin the labels to them,
    // and draw once more when that changed them.
    // Once per widget size: the labels change the margins, and with them the
    // rects, which must not start a cycle of replots.
    connect(this, &QCustomPlot::afterLayout, this, [this] {
        if (m_labelledAt == size())
            return;
        m_labelledAt = size();
        if (updateTokenLabels())
            replot(QCustomPlot::rpQueuedReplot);
    });
    applyPalette();
    clearPatterns(QString());
}

bool AttentionPatternPlot::updateTokenLabels()
{
    const int T = int(m_tokens.size());
    if (T == 0)
        return false;
    QCPAxis *keys = m_baselineRect->axis(QCPAxis::atBottom);
    const QFontMetrics metrics(keys->tickLabelFont());
    // One label per line height of room along the axis.
    const int keyStride = plotstyle::labelStep(metrics.height(), double(m_baselineRect->width()) / T);
    const int queryStride = plotstyle::labelStep(metrics.height(), double(m_baselineRect->height()) / T);
    if (keyStride == m_keyStride && queryStride == m_queryStride)
        return false;
    m_keyStride = keyStride;
    m_queryStride = queryStride;
    // Long pieces are cut so that the key labels (written upwards) do not
    // take the plot's height.
    const int longest = metrics.horizontalAdvance(QLatin1Char('M')) * 8;
    auto tickerFor = [&](int stride) {
        auto ticker = QSharedPointer<QCPAxisTickerText>::create();
        for (int i = 0; i < T; i += stride)
            ticker->addTick(i, metrics.elidedText(tokenLabel(m_tokens[i]), Qt::ElideRight, longest));
        return ticker;
    };
    const auto keyTicker = tickerFor(keyStride), queryTicker = tickerFor(queryStride);
    for (QCPAxisRect *rect : {m_baselineRect, m_frozenRect}) {
        rect->axis(QCPAxis::atBottom)->setTicker(keyTicker);
        rect->axis(QCPAxis::atLeft)->setTicker(queryTicker);
    }
    return true;
}

void AttentionPatternPlot::setupAxes(QCPAxisRect *rect, const QString &title)
{
    QCPAxis *keys = rect->axis(QCPAxis::atBottom);
    QCPAxis *queries = rect->axis(QCPAxis::atLeft);
    keys->setLabel(tr("key (%1)").arg(title));
    queries->setLabel(tr("query"));
    queries->setRangeReversed(true); // the first token at the top, as one reads
    keys->setTickLabelRotation(90);
    for (QCPAxis *axis : {keys, queries}) {
        axis->grid()->setVisible(false);
        axis->setSubTicks(false);
    }
}

void AttentionPatternPlot::applyPalette()
{
    const QPalette pal = palette();
    const QColor fg = pal.color(QPalette::WindowText);
    setBackground(pal.brush(QPalette::Base));
    QList<QCPAxis *> axes{m_scale->axis()};
    for (QCPAxisRect *rect : {m_baselineRect, m_frozenRect}) {
        rect->setBackground(pal.brush(QPalette::Base));
        axes << rect->axis(QCPAxis::atBottom) << rect->axis(QCPAxis::atLeft);
    }
    for (QCPAxis *axis : axes) {
        axis->setBasePen(QPen(fg));
        axis->setTickPen(QPen(fg));
        axis->setTickLabelColor(fg);
        axis->setLabelColor(fg);
    }
    m_title->setTextColor(fg);
    replot(QCustomPlot::rpQueuedReplot);
}

void AttentionPatternPlot::fill(QCPColorMap *map, const std::vector<float> &values, int T)
{
    map->data()->setSize(T, T);
    map->data()->setRange(QCPRange(0, qMax(0, T - 1)), QCPRange(0, qMax(0, T - 1)));
    for (int q = 0; q < T; ++q)
        for (int k = 0; k < T; ++k) {
            const size_t i = size_t(q) * size_t(T) + size_t(k);
            map->data()->setCell(k, q, i < values.size() ? double(values[i]) : qQNaN());
        }
    map->setDataRange(QCPRange(0, 1));
}

void AttentionPatternPlot::setPatterns(const QString &title, const QStringList &tokens, const std::vector<float> &baseline,
                                       const std::vector<float> &frozen)
{
    const int T = int(tokens.size());
    m_tokens = tokens;
    m_title->setText(title);
    fill(m_baseline, baseline, T);
    fill(m_frozen, frozen, T);
    m_keyStride = m_queryStride = 0;
    m_labelledAt = QSize();
    updateTokenLabels();
    for (QCPAxisRect *rect : {m_baselineRect, m_frozenRect})
        for (QCPAxis *axis : {rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft)}) {
            axis->setTickLabels(true);
            axis->setRange(-0.5, T - 0.5);
        }
    // The rows are the baseline's, right beside it: the room goes to the cells.
    m_frozenRect->axis(QCPAxis::atLeft)->setLabel(QString());
    m_frozenRect->axis(QCPAxis::atLeft)->setTickLabels(false);
    m_baseline->setVisible(true);
    m_frozen->setVisible(true);
    replot(QCustomPlot::rpQueuedReplot);
}

void AttentionPatternPlot::clearPatterns(const QString &message)
{
    m_tokens.clear();
    m_title->setText(message);
    for (QCPColorMap *map : {m_baseline, m_frozen}) {
        map->data()->clear();
        map->setVisible(false);
    }
    for (QCPAxisRect *rect : {m_baselineRect, m_frozenRect})
        for (QCPAxis *axis : {rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft)})
            axis->setTickLabels(false);
    replot(QCustomPlot::rpQueuedReplot);
}

bool AttentionPatternPlot::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip && !m_tokens.isEmpty()) {
        auto *help = static_cast<QHelpEvent *>(event);
        for (QCPColorMap *map : {m_baseline, m_frozen}) {
            QCPAxisRect *rect = map == m_baseline ? m_baselineRect : m_frozenRect;
            if (!rect->rect().contains(help->pos()))
                continue;
            int k = 0, q = 0;
            map->data()->coordToCell(map->keyAxis()->pixelToCoord(help->pos().x()), map->valueAxis()->pixelToCoord(help->pos().y()), &k, &q);
            if (k < 0 || q < 0 || k >= m_tokens.size() || q >= m_tokens.size())
                break;
            QToolTip::showText(help->globalPos(),
                               tr("%1\nquery %2 '%3' -> key %4 '%5'\nattention %6")
                                   .arg(map == m_baseline ? tr("baseline") : tr("frozen"))
                                   .arg(q).arg(tokenLabel(m_tokens[q])).arg(k).arg(tokenLabel(m_tokens[k]))
                                   .arg(map->data()->cell(k, q), 0, 'f', 3),
                               this);
            return true;
        }
        QToolTip::hideText();
        return true;
    }
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
    return QCustomPlot::event(event);
}

} // namespace qkov
