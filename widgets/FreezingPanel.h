#pragma once
// The Freezing panel: a layer x head grid of the document's freeze set with
// a circuit selector (QK, OV, head) and a method selector (the default for
// new freezes). Every edit is one QUndoCommand on the document's undo stack.
#include "freeze/FreezeSet.h"

#include <QWidget>

class QBoxLayout;
class QComboBox;
class QLabel;
class QPushButton;

namespace qkov {

class FreezeGrid;
class WorkbenchDocument;

class FreezingPanel : public QWidget
{
    Q_OBJECT
public:
    explicit FreezingPanel(WorkbenchDocument *document, QWidget *parent = nullptr);

    // Freezes or unfreezes one head's circuit with the current default method
    // (the heatmaps' double-click uses this too): one undo step.
    void toggle(int layer, int head, FreezeCircuit circuit);
    // Unfreezes everything: one undo step (nothing when the set is empty).
    void clearAll();
    // Sets the method of one frozen target, or of every entry when layer < 0.
    void setEntryMethod(int layer, int head, FreezeCircuit circuit, FreezeMethod method);
    void applyMethodToAll(FreezeMethod method);

    FreezeCircuit circuit() const;
    void setCircuit(FreezeCircuit circuit);
    FreezeMethod defaultMethod() const;
    void setDefaultMethod(FreezeMethod method);

    FreezeGrid *grid() const { return m_grid; }
    QPushButton *clearButton() const { return m_clear; }
    // "3 heads frozen (4 freezes)"
    QString summaryText() const;

private:
    void refresh();
    void showCellMenu(int layer, int head, const QPoint &globalPos);

    WorkbenchDocument *m_document;
    QComboBox *m_circuit;
    QComboBox *m_method;
    QPushButton *m_applyAll;
    FreezeGrid *m_grid;
    QLabel *m_summary;
    QWidget *m_side;     // legend, summary and "clear all"
    QBoxLayout *m_body;  // grid beside (or above) m_side
    QPushButton *m_clear;
};

} // namespace qkov
