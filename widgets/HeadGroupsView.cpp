#include "HeadGroupsView.h"

#include <QPainter>
#include <QPaintEvent>

namespace qkov {

namespace {
constexpr int labelWidth = 70;
constexpr int headerHeight = 22;
constexpr int legendHeight = 24;
constexpr int maxCell = 30;
constexpr int minCell = 10;

// Colour-blind-safe qualitative palette (Okabe-Ito), cycled over KV groups.
QColor groupColor(int group)
{
    static const QColor palette[] = {QColor(0xE6, 0x9F, 0x00), QColor(0x56, 0xB4, 0xE9), QColor(0x00, 0x9E, 0x73),
                                     QColor(0xF0, 0xE4, 0x42), QColor(0x00, 0x72, 0xB2), QColor(0xD5, 0x5E, 0x00),
                                     QColor(0xCC, 0x79, 0xA7), QColor(0x99, 0x99, 0x99)};
    return palette[group % 8];
}
} // namespace

HeadGroupsView::HeadGroupsView(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    setAccessibleName(tr("Heads and key/value groups"));
}

void HeadGroupsView::setShape(int layers, int heads, int kvHeads)
{
    m_layers = layers;
    m_heads = heads;
    m_kvHeads = kvHeads > 0 ? kvHeads : heads;
    updateGeometry();
    update();
}

int HeadGroupsView::cellSize() const
{
    if (m_heads <= 0)
        return maxCell;
    return qBound(minCell, (width() - labelWidth - 8) / m_heads, maxCell);
}

QSize HeadGroupsView::sizeHint() const
{
    const int cell = m_heads > 0 ? maxCell : 0;
    return {labelWidth + m_heads * cell + 8, headerHeight + m_layers * qMin(cell, maxCell) + legendHeight + 8};
}

QSize HeadGroupsView::minimumSizeHint() const
{
    return {labelWidth + m_heads * minCell + 8, headerHeight + m_layers * minCell + legendHeight + 8};
}

void HeadGroupsView::paintEvent(QPaintEvent *)
{
    if (m_layers <= 0 || m_heads <= 0)
        return;
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, false);
    const int cell = cellSize();
    const int perGroup = qMax(1, m_heads / m_kvHeads);
    const QPalette pal = palette();
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    p.setFont(small);

    p.setPen(pal.color(QPalette::WindowText));
    p.drawText(QRect(0, 0, labelWidth - 6, headerHeight), Qt::AlignRight | Qt::AlignVCenter, tr("Head"));
    const int labelEvery = cell < 16 ? 4 : 1;
    for (int h = 0; h < m_heads; h += labelEvery)
        p.drawText(QRect(labelWidth + h * cell, 0, cell * labelEvery, headerHeight), Qt::AlignLeft | Qt::AlignVCenter,
                   QString::number(h));
    for (int l = 0; l < m_layers; ++l) {
        const int y = headerHeight + l * cell;
        p.setPen(pal.color(QPalette::WindowText));
        p.drawText(QRect(0, y, labelWidth - 6, cell), Qt::AlignRight | Qt::AlignVCenter, tr("Layer %1").arg(l));
        for (int h = 0; h < m_heads; ++h) {
            const QRect r(labelWidth + h * cell, y, cell, cell);
            p.fillRect(r, groupColor(h / perGroup));
            p.setPen(QColor(0, 0, 0, 60));
            p.drawRect(r.adjusted(0, 0, -1, -1));
        }
    }
    const int legendY = headerHeight + m_layers * cell + 6;
    p.setPen(pal.color(QPalette::WindowText));
    const QString legend = m_kvHeads < m_heads
        ? tr("Colour = key/value group: query heads %1 at a time share one K/V head").arg(perGroup)
        : tr("Every query head has its own key/value head");
    p.drawText(QRect(labelWidth, legendY, width() - labelWidth, legendHeight), Qt::AlignLeft | Qt::AlignVCenter, legend);
}

} // namespace qkov
