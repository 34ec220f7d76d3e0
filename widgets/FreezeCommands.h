#pragma once
// One QUndoCommand per kind of edit on the document's freeze set (Tiled's
// way). Each command keeps the set before and after its edit, so undo and
// redo restore exactly what the user saw, whatever the edit did to
// overlapping entries.
#include "freeze/FreezeSet.h"

#include <QUndoCommand>
#include <optional>

namespace qkov {

class WorkbenchDocument;

// "QK", "OV" or "head", as the grid and the undo texts show them.
QString freezeCircuitLabel(FreezeCircuit circuit);
// "zero", "mean", "noise" or "resample", translated (freezeMethodName() is the CLI's spelling).
QString freezeMethodLabel(FreezeMethod method);
// "L3.H5"
QString headLabel(int layer, int head);

class FreezeSetCommand : public QUndoCommand
{
public:
    void undo() override;
    void redo() override;
    const FreezeSet &before() const { return m_before; }
    const FreezeSet &after() const { return m_after; }

protected:
    FreezeSetCommand(WorkbenchDocument *document, QUndoCommand *parent);
    WorkbenchDocument *m_document;
    FreezeSet m_before;
    FreezeSet m_after;
};

// Freezes one head's circuit, or unfreezes it when it is frozen. Freezing a
// target replaces the entries it would overlap (a whole head against its QK
// or OV circuit): a click always does what its cell says.
class ToggleFreezeCommand : public FreezeSetCommand
{
public:
    ToggleFreezeCommand(WorkbenchDocument *document, const FreezeEntry &entry, QUndoCommand *parent = nullptr);
    bool freezes() const { return m_freezes; }

private:
    bool m_freezes = false;
};

// Sets the method of one frozen target, or (without a target) of every
// frozen entry: the global choice.
class SetFreezeMethodCommand : public FreezeSetCommand
{
public:
    struct Target
    {
        int layer = 0;
        int head = 0;
        FreezeCircuit circuit = FreezeCircuit::QK;
    };
    SetFreezeMethodCommand(WorkbenchDocument *document, std::optional<Target> target, FreezeMethod method,
                           QUndoCommand *parent = nullptr);
    // False when nothing would change (the caller need not push it).
    bool changesAnything() const { return m_changes; }

private:
    bool m_changes = false;
};

// Unfreezes everything in one step.
class ClearFreezesCommand : public FreezeSetCommand
{
public:
    explicit ClearFreezesCommand(WorkbenchDocument *document, QUndoCommand *parent = nullptr);
};

} // namespace qkov
