#pragma once
// Text colours for inline errors and warnings, picked against the widget's
// own palette so that they read on light and dark themes alike.
#include <QColor>
#include <QPalette>
#include <QWidget>

namespace qkov {

inline bool isDarkPalette(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

inline QColor errorTextColour(const QPalette &palette)
{
    return isDarkPalette(palette) ? QColor(255, 120, 110) : QColor(176, 0, 32);
}

inline QColor warningTextColour(const QPalette &palette)
{
    return isDarkPalette(palette) ? QColor(240, 190, 90) : QColor(138, 82, 0);
}

// Sets a label's (or any widget's) text colour, keeping the rest of its palette.
inline void setTextColour(QWidget *widget, const QColor &colour)
{
    QPalette p = widget->palette();
    p.setColor(QPalette::WindowText, colour);
    p.setColor(QPalette::Text, colour);
    widget->setPalette(p);
}

} // namespace qkov
