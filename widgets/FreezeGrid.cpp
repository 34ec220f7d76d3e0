#include "FreezeGrid.h"

#include "FreezeCommands.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>

namespace qkov {

namespace {

constexpr int kReadableCell = 28;  // room for a bold letter and the method mark
constexpr int kHintCell = 40;
constexpr int kMaxCell = 56;
// Big models get smaller minimum cells rather than a dock that fills the screen.
constexpr int kMaxMinimumHeight = 360;
constexpr int kMaxMinimumWidth = 480;
constexpr int kMargin = 4;

// The smallest cell the layout must grant: readable for models up to about
// 12 layers x 16 heads, smaller for bigger ones (the cells still grow with the dock).
int minimumCell(int layers, int heads)
{
    const int cell = std::min(kMaxMinimumHeight / std::max(1, layers), kMaxMinimumWidth / std::max(1, heads));
    return std::clamp(cell, 12, kReadableCell);
}

QColor readableTextOn(const QColor &fill)
{
    // Relative luminance (sRGB weights) decides black or white lettering.
    const double y = 0.2126 * fill.redF() + 0.7152 * fill.greenF() + 0.0722 * fill.blueF();
    return y > 0.5 ? QColor(Qt::black) : QColor(Qt::white);
}

} // namespace

FreezeGrid::FreezeGrid(QWidget *parent) : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setAccessibleName(tr("Freezing grid"));
    setAccessibleDescription(tr("Layers by heads. Arrow keys move, Space freezes or unfreezes the focused head."));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void FreezeGrid::setShape(int layers, int heads)
{
    m_layers = std::max(0, layers);
    m_heads = std::max(0, heads);
    m_focusLayer = std::clamp(m_focusLayer, 0, std::max(0, m_layers - 1));
    m_focusHead = std::clamp(m_focusHead, 0, std::max(0, m_heads - 1));
    updateGeometry();
    update();
}

void FreezeGrid::setFreezeSet(const FreezeSet &set)
{
    m_set = set;
    update();
}

void FreezeGrid::setSelectedHead(int layer, int head)
{
    m_selectedLayer = layer;
    m_selectedHead = head;
    update();
}

void FreezeGrid::setFocusCell(int layer, int head)
{
    if (m_layers == 0 || m_heads == 0)
        return;
    layer = std::clamp(layer, 0, m_layers - 1);
    head = std::clamp(head, 0, m_heads - 1);
    if (layer == m_focusLayer && head == m_focusHead)
        return;
    m_focusLayer = layer;
    m_focusHead = head;
    update();
    Q_EMIT focusCellChanged(layer, head);
}

FreezeGrid::Layout FreezeGrid::layout() const
{
    const QFontMetrics fm(font());
    Layout l;
    const int labels = fm.horizontalAdvance(QStringLiteral("L%1").arg(std::max(0, m_layers - 1))) + 2 * kMargin;
    l.left = labels;
    l.top = fm.height() + kMargin;
    if (m_layers == 0 || m_heads == 0)
        return l;
    const int w = (width() - l.left - kMargin) / m_heads;
    const int h = (height() - l.top - kMargin) / m_layers;
    l.cell = std::clamp(std::min(w, h), 8, kMaxCell);
    // Centred across the width, like the heatmaps, rather than hugging the left edge.
    l.labelLeft = std::max(0, (width() - labels - l.cell * m_heads - kMargin) / 2);
    l.left += l.labelLeft;
    return l;
}

QRect FreezeGrid::cellRect(int layer, int head) const
{
    const Layout l = layout();
    return QRect(l.left + head * l.cell, l.top + layer * l.cell, l.cell, l.cell);
}

bool FreezeGrid::cellAt(const QPoint &pos, int *layer, int *head) const
{
    const Layout l = layout();
    if (l.cell <= 0 || pos.x() < l.left || pos.y() < l.top)
        return false;
    const int h = (pos.x() - l.left) / l.cell;
    const int r = (pos.y() - l.top) / l.cell;
    if (r >= m_layers || h >= m_heads)
        return false;
    *layer = r;
    *head = h;
    return true;
}

const FreezeEntry *FreezeGrid::entryFor(int layer, int head, FreezeCircuit circuit) const
{
    for (const FreezeEntry &e : m_set.entries)
        if (e.layer == layer && e.head == head && e.circuit == circuit)
            return &e;
    return nullptr;
}

QString FreezeGrid::cellText(int layer, int head) const
{
    if (entryFor(layer, head, FreezeCircuit::Head))
        return QStringLiteral("H");
    QString s;
    if (entryFor(layer, head, FreezeCircuit::QK))
        s += QLatin1Char('Q');
    if (entryFor(layer, head, FreezeCircuit::OV))
        s += QLatin1Char('O');
    return s;
}

QString FreezeGrid::methodMark(FreezeMethod method)
{
    switch (method) {
    case FreezeMethod::Zero: return QStringLiteral("0");
    case FreezeMethod::Mean: return QStringLiteral("m");
    case FreezeMethod::Noise: return QStringLiteral("n");
    case FreezeMethod::Resample: return QStringLiteral("r");
    }
    return QString();
}

QColor FreezeGrid::circuitColor(FreezeCircuit circuit, const QPalette &palette)
{
    // Mid-tone hues (Tableau 10) stand out on white and on dark bases alike;
    // on a dark palette they are darkened a little so white lettering reads.
    QColor c;
    switch (circuit) {
    case FreezeCircuit::QK: c = QColor(0x4c, 0x78, 0xa8); break;
    case FreezeCircuit::OV: c = QColor(0xf5, 0x85, 0x18); break;
    case FreezeCircuit::Head: c = QColor(0xb0, 0x4a, 0x8c); break;
    }
    const bool dark = palette.color(QPalette::Window).lightness() < 128;
    return dark ? c.darker(115) : c;
}

QString FreezeGrid::cellToolTip(int layer, int head) const
{
    QStringList lines{headLabel(layer, head)};
    for (FreezeCircuit c : {FreezeCircuit::QK, FreezeCircuit::OV, FreezeCircuit::Head})
        if (const FreezeEntry *e = entryFor(layer, head, c))
            lines << tr("%1 frozen (%2)").arg(freezeCircuitLabel(c), freezeMethodLabel(e->method));
    if (lines.size() == 1)
        lines << tr("not frozen");
    return lines.join(QLatin1Char('\n'));
}

void FreezeGrid::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const QPalette pal = palette();
    p.fillRect(rect(), pal.color(QPalette::Window));
    if (m_layers == 0 || m_heads == 0) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, tr("Open a model to freeze its heads."));
        return;
    }
    const Layout l = layout();
    p.setPen(pal.color(QPalette::WindowText));
    for (int h = 0; h < m_heads; ++h)
        p.drawText(QRect(l.left + h * l.cell, 0, l.cell, l.top), Qt::AlignHCenter | Qt::AlignBottom,
                   l.cell >= 28 ? QStringLiteral("H%1").arg(h) : QString::number(h)); // "H12" does not fit small cells
    for (int r = 0; r < m_layers; ++r)
        p.drawText(QRect(l.labelLeft, l.top + r * l.cell, l.left - l.labelLeft - kMargin, l.cell), Qt::AlignRight | Qt::AlignVCenter,
                   QStringLiteral("L%1").arg(r));

    QFont letterFont = font();
    letterFont.setBold(true);
    letterFont.setPixelSize(std::max(9, l.cell * 2 / 5));
    QFont markFont = font();
    markFont.setPixelSize(std::max(7, l.cell / 4));
    for (int r = 0; r < m_layers; ++r) {
        for (int h = 0; h < m_heads; ++h) {
            const QRect cell = cellRect(r, h);
            const QString letters = cellText(r, h);
            const FreezeEntry *shown = entryFor(r, h, FreezeCircuit::Head);
            if (!shown)
                shown = entryFor(r, h, FreezeCircuit::QK);
            if (!shown)
                shown = entryFor(r, h, FreezeCircuit::OV);
            QColor fill = pal.color(QPalette::Base);
            if (shown) {
                fill = circuitColor(shown->circuit, pal);
                if (letters == QLatin1String("QO")) { // both circuits: blend the two hues
                    const QColor qk = circuitColor(FreezeCircuit::QK, pal), ov = circuitColor(FreezeCircuit::OV, pal);
                    fill = QColor((qk.red() + ov.red()) / 2, (qk.green() + ov.green()) / 2, (qk.blue() + ov.blue()) / 2);
                }
            }
            p.fillRect(cell, fill);
            p.setPen(pal.color(QPalette::Mid));
            p.drawRect(cell.adjusted(0, 0, -1, -1));
            if (shown) {
                const QColor ink = readableTextOn(fill);
                p.setPen(ink);
                p.setFont(letterFont);
                p.drawText(cell, Qt::AlignCenter, letters);
                // The method of the first entry; a mixed cell shows each entry's mark.
                QString marks;
                for (FreezeCircuit c : {FreezeCircuit::Head, FreezeCircuit::QK, FreezeCircuit::OV})
                    if (const FreezeEntry *e = entryFor(r, h, c))
                        marks += methodMark(e->method);
                p.setFont(markFont);
                p.drawText(cell.adjusted(4, 3, -5, -4), Qt::AlignRight | Qt::AlignBottom, marks); // clear of the selection outline
                p.setFont(font());
            }
        }
    }
    if (m_selectedLayer >= 0 && m_selectedLayer < m_layers && m_selectedHead >= 0 && m_selectedHead < m_heads) {
        QPen pen(pal.color(QPalette::WindowText), 3);
        pen.setJoinStyle(Qt::MiterJoin);
        p.setPen(pen);
        p.setBrush(Qt::NoBrush);
        p.drawRect(cellRect(m_selectedLayer, m_selectedHead).adjusted(1, 1, -2, -2));
    }
    if (hasFocus()) {
        QPen pen(pal.color(QPalette::Highlight), 2, Qt::DashLine);
        p.setPen(pen);
        p.setBrush(Qt::NoBrush);
        p.drawRect(cellRect(m_focusLayer, m_focusHead).adjusted(4, 4, -5, -5));
    }
}

void FreezeGrid::mousePressEvent(QMouseEvent *event)
{
    int layer = 0, head = 0;
    if (event->button() != Qt::LeftButton || !cellAt(event->position().toPoint(), &layer, &head)) {
        QWidget::mousePressEvent(event);
        return;
    }
    setFocus(Qt::MouseFocusReason);
    setFocusCell(layer, head);
    Q_EMIT cellActivated(layer, head);
}

void FreezeGrid::keyPressEvent(QKeyEvent *event)
{
    if (m_layers == 0 || m_heads == 0) {
        QWidget::keyPressEvent(event);
        return;
    }
    switch (event->key()) {
    case Qt::Key_Left: setFocusCell(m_focusLayer, m_focusHead - 1); break;
    case Qt::Key_Right: setFocusCell(m_focusLayer, m_focusHead + 1); break;
    case Qt::Key_Up: setFocusCell(m_focusLayer - 1, m_focusHead); break;
    case Qt::Key_Down: setFocusCell(m_focusLayer + 1, m_focusHead); break;
    case Qt::Key_Home: setFocusCell(m_focusLayer, 0); break;
    case Qt::Key_End: setFocusCell(m_focusLayer, m_heads - 1); break;
    case Qt::Key_Space:
    case Qt::Key_Select: Q_EMIT cellActivated(m_focusLayer, m_focusHead); break;
    case Qt::Key_Menu: Q_EMIT cellContextMenu(m_focusLayer, m_focusHead, mapToGlobal(cellRect(m_focusLayer, m_focusHead).center())); break;
    default: QWidget::keyPressEvent(event); return;
    }
    event->accept();
}

void FreezeGrid::contextMenuEvent(QContextMenuEvent *event)
{
    int layer = 0, head = 0;
    if (event->reason() == QContextMenuEvent::Keyboard) {
        layer = m_focusLayer;
        head = m_focusHead;
    } else if (!cellAt(event->pos(), &layer, &head)) {
        return;
    }
    Q_EMIT cellContextMenu(layer, head, event->globalPos());
}

bool FreezeGrid::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        int layer = 0, head = 0;
        if (cellAt(help->pos(), &layer, &head))
            QToolTip::showText(help->globalPos(), cellToolTip(layer, head), this, cellRect(layer, head));
        else
            QToolTip::hideText();
        return true;
    }
    if (event->type() == QEvent::FocusIn || event->type() == QEvent::FocusOut)
        update();
    return QWidget::event(event);
}

QSize FreezeGrid::sizeHint() const
{
    const Layout l = layout();
    const int cell = std::max(kHintCell, minimumCell(m_layers, m_heads));
    const int labels = l.left - l.labelLeft;
    return QSize(labels + std::max(1, m_heads) * cell + kMargin, l.top + std::max(1, m_layers) * cell + kMargin);
}

QSize FreezeGrid::minimumSizeHint() const
{
    const Layout l = layout();
    const int cell = minimumCell(m_layers, m_heads);
    const int labels = l.left - l.labelLeft;
    return QSize(labels + std::max(1, m_heads) * cell + kMargin, l.top + std::max(1, m_layers) * cell + kMargin);
}

} // namespace qkov
