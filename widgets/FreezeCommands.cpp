#include "FreezeCommands.h"

#include "WorkbenchDocument.h"

#include <QCoreApplication>

#include <algorithm>

namespace qkov {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("qkov::FreezeCommands", text);
}

bool overlapsSameHead(const FreezeEntry &a, const FreezeEntry &b)
{
    return a.layer == b.layer && a.head == b.head && a.circuit != b.circuit
           && (a.circuit == FreezeCircuit::Head || b.circuit == FreezeCircuit::Head);
}

} // namespace

QString freezeCircuitLabel(FreezeCircuit circuit)
{
    switch (circuit) {
    case FreezeCircuit::QK: return tr("QK");
    case FreezeCircuit::OV: return tr("OV");
    case FreezeCircuit::Head: return tr("head");
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
        setText(tr("Unfreeze %1").arg(target));
        return;
    }
    // Replace what the new target overlaps, so that add() cannot refuse it.
    auto &entries = m_after.entries;
    entries.erase(std::remove_if(entries.begin(), entries.end(),
                                 [&](const FreezeEntry &e) { return overlapsSameHead(e, entry); }),
                  entries.end());
    m_after.add(entry);
    m_freezes = true;
    setText(tr("Freeze %1").arg(target));
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
        setText(tr("Set %1 %2 to %3")
                    .arg(headLabel(target->layer, target->head), freezeCircuitLabel(target->circuit), freezeMethodName(method)));
    else
        setText((changed == 1 ? tr("Set 1 freeze to %1") : tr("Set %1 freezes to %2").arg(changed))
                    .arg(freezeMethodName(method)));
}

ClearFreezesCommand::ClearFreezesCommand(WorkbenchDocument *document, QUndoCommand *parent)
    : FreezeSetCommand(document, parent)
{
    const int n = int(m_before.entries.size());
    setText(n == 1 ? tr("Clear 1 freeze") : tr("Clear %1 freezes").arg(n));
    m_after.clear();
}

} // namespace qkov
