#pragma once
// The freezing grid: rows are layers (layer 0 at the top), columns heads.
// A frozen cell is filled with its circuit's colour and shows its letter
// (Q, O, H; "QO" when both circuits are frozen separately) and a method
// mark (0 zero, m mean, n noise, r resample), so the state reads without
// hovering. Click or Space activates a cell, the arrow keys move the focus
// cell; the selected head is outlined.
#include "freeze/FreezeSet.h"

#include <QWidget>

namespace qkov {

class FreezeGrid : public QWidget
{
    Q_OBJECT
public:
    explicit FreezeGrid(QWidget *parent = nullptr);

    void setShape(int layers, int heads);
    int layers() const { return m_layers; }
    int heads() const { return m_heads; }
    void setFreezeSet(const FreezeSet &set);
    void setSelectedHead(int layer, int head);
    void setFocusCell(int layer, int head);
    int focusLayer() const { return m_focusLayer; }
    int focusHead() const { return m_focusHead; }

    // Geometry, for the panel's context menu and for tests.
    QRect cellRect(int layer, int head) const;
    bool cellAt(const QPoint &pos, int *layer, int *head) const;
    QString cellText(int layer, int head) const; // "Q", "O", "H", "QO" or ""
    static QString methodMark(FreezeMethod method);
    // The fill of a frozen cell, readable under both light and dark palettes.
    static QColor circuitColor(FreezeCircuit circuit, const QPalette &palette);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void cellActivated(int layer, int head);       // click or Space: toggle
    void focusCellChanged(int layer, int head);    // arrow keys or click
    void cellContextMenu(int layer, int head, const QPoint &globalPos);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    bool event(QEvent *event) override;

private:
    struct Layout
    {
        int labelLeft = 0;           // where the layer labels start (the grid is centred)
        int left = 0, top = 0, cell = 0; // the first cell's corner and the cell size
    };
    Layout layout() const;
    const FreezeEntry *entryFor(int layer, int head, FreezeCircuit circuit) const;
    QString cellToolTip(int layer, int head) const;

    int m_layers = 0;
    int m_heads = 0;
    FreezeSet m_set;
    int m_selectedLayer = -1, m_selectedHead = -1;
    int m_focusLayer = 0, m_focusHead = 0;
};

} // namespace qkov
