#include "WorkbenchDocument.h"

#include "jobs/JobRunner.h"
#include "model/ModelLoader.h"

#include <QUndoStack>

namespace qkov {

WorkbenchDocument::WorkbenchDocument(JobRunner *jobs, QObject *parent)
    : QObject(parent), m_jobs(jobs), m_undo(new QUndoStack(this)),
      m_probePrompt(QStringLiteral("Once upon a time, there was a little girl named Lily."))
{
    m_tasks[0].name = tr("task A");
    m_tasks[1].name = tr("task B");
    // Every undoable edit marks the document modified.
    connect(m_undo, &QUndoStack::indexChanged, this, [this] { setModified(true); });
}

WorkbenchDocument::~WorkbenchDocument() = default;

void WorkbenchDocument::setModel(std::shared_ptr<const LoadedModel> model)
{
    m_model = std::move(model);
    m_result.reset();
    m_freeze.clear();
    m_undo->clear();
    m_selectedLayer = m_selectedHead = -1;
    Q_EMIT modelChanged();
    Q_EMIT resultChanged();
    Q_EMIT freezeSetChanged();
    Q_EMIT selectedHeadChanged(-1, -1);
}

void WorkbenchDocument::setTask(int which, const TaskState &state)
{
    m_tasks[which == TaskB ? 1 : 0] = state;
    Q_EMIT taskChanged(which == TaskB ? TaskB : TaskA);
}

void WorkbenchDocument::setSettings(const AnalysisSettings &settings)
{
    m_settings = settings;
    setModified(true);
    Q_EMIT settingsChanged();
}

void WorkbenchDocument::setResult(std::shared_ptr<const AnalysisResult> result)
{
    m_result = std::move(result);
    setModified(true);
    Q_EMIT resultChanged();
}

void WorkbenchDocument::setFreezeSet(const FreezeSet &set)
{
    m_freeze = set;
    Q_EMIT freezeSetChanged();
}

void WorkbenchDocument::selectHead(int layer, int head)
{
    if (layer == m_selectedLayer && head == m_selectedHead)
        return;
    m_selectedLayer = layer;
    m_selectedHead = head;
    Q_EMIT selectedHeadChanged(layer, head);
}

void WorkbenchDocument::setProbePrompt(const QString &prompt)
{
    if (prompt == m_probePrompt)
        return;
    m_probePrompt = prompt;
    Q_EMIT probePromptChanged(prompt);
}

void WorkbenchDocument::setModified(bool modified)
{
    if (modified == m_modified)
        return;
    m_modified = modified;
    Q_EMIT modifiedChanged(modified);
}

void WorkbenchDocument::setSessionPath(const QString &path)
{
    m_sessionPath = path;
    Q_EMIT sessionPathChanged(path);
}

bool WorkbenchDocument::canRunAnalysis() const
{
    return m_model && m_tasks[0].isReady() && m_tasks[1].isReady();
}

} // namespace qkov
