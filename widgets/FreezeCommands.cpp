#include "FreezeCommands.h"

#include "WorkbenchDocument.h"

#include <QCoreApplication>

#include <algorithm>

namespace qkov {

// The translation context of the labels and undo texts below (lupdate reads it).
class FreezeCommandsText
{
    Q_DECLARE_TR_FUNCTIONS(qkov::FreezeCommands)
};

namespace {

bool overlapsSameHead(const FreezeEntry &a, const FreezeEntry &b)
{
    return a.layer == b.layer && a.head == b.head && a.circuit != b.circuit
           && (a.circuit == FreezeCircuit::Head || b.circuit == FreezeCircuit::Head);
}

} // namespace

QString freezeCircuitLabel(FreezeCircuit circuit)
{
    switch (circuit) {
    case FreezeCircuit::QK: return FreezeCommandsText::tr("QK");
    case FreezeCircuit::OV: return FreezeCommandsText::tr("OV");
    case FreezeCircuit::Head: return FreezeCommandsText::tr("head");
    }
    return QString();
}

QString freezeMethodLabel(FreezeMethod method)
{
    switch (method) {
    case FreezeMethod::Zero: return FreezeCommandsText::tr("zero");
    case FreezeMethod::Mean: return FreezeCommandsText::tr("mean");
    case FreezeMethod::Noise: return FreezeCommandsText::tr("noise");
    case FreezeMethod::Resample: return FreezeCommandsText::tr("resample");
    }
    return QString();
}

QString headLabel(int layer, int head)
{
    return QStringLiteral("L%1.H%2").arg(layer).arg(head);
}

FreezeSetCommand::FreezeSetCommand(WorkbenchDocument *document, QUndoCommand *parent)
    : QUndoCommand(parent), m_document(document), m_before(document->freezeSet()), m_after(m_before)
{
}

void FreezeSetCommand::undo()
{
    m_document->setFreezeSet(m_before);
}

void FreezeSetCommand::redo()
{
    m_document->setFreezeSet(m_after);
}

ToggleFreezeCommand::ToggleFreezeCommand(WorkbenchDocument *document, const FreezeEntry &entry, QUndoCommand *parent)
    : FreezeSetCommand(document, parent)
{
    const QString target = QStringLiteral("%1 %2").arg(headLabel(entry.layer, entry.head), freezeCircuitLabel(entry.circuit));
    if (m_after.remove(entry.layer, entry.head, entry.circuit)) {
        setText(FreezeCommandsText::tr("Unfreeze %1").arg(target));
        return;
    }
    // Replace what the new target overlaps, so that add() cannot refuse it.
    auto &entries = m_after.entries;
    entries.erase(std::remove_if(entries.begin(), entries.end(),
                                 [&](const FreezeEntry &e) { return overlapsSameHead(e, entry); }),
                  entries.end());
    m_after.add(entry);
    m_freezes = true;
    setText(FreezeCommandsText::tr("Freeze %1").arg(target));
}

SetFreezeMethodCommand::SetFreezeMethodCommand(WorkbenchDocument *document, std::optional<Target> target,
                                               FreezeMethod method, QUndoCommand *parent)
    : FreezeSetCommand(document, parent)
{
    int changed = 0;
    for (FreezeEntry &e : m_after.entries) {
        if (target && !(e.layer == target->layer && e.head == target->head && e.circuit == target->circuit))
            continue;
        if (e.method != method) {
            e.method = method;
            ++changed;
        }
    }
    m_changes = changed > 0;
    if (target)
        setText(FreezeCommandsText::tr("Set %1 %2 to %3")
                    .arg(headLabel(target->layer, target->head), freezeCircuitLabel(target->circuit), freezeMethodLabel(method)));
    else
        setText((changed == 1 ? FreezeCommandsText::tr("Set 1 freeze to %1") : FreezeCommandsText::tr("Set %1 freezes to %2").arg(changed))
                    .arg(freezeMethodLabel(method)));
}

ClearFreezesCommand::ClearFreezesCommand(WorkbenchDocument *document, QUndoCommand *parent)
    : FreezeSetCommand(document, parent)
{
    const int n = int(m_before.entries.size());
    setText(n == 1 ? FreezeCommandsText::tr("Clear 1 freeze") : FreezeCommandsText::tr("Clear %1 freezes").arg(n));
    m_after.clear();
}

} // namespace qkov
