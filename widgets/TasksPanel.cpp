#include "TasksPanel.h"

#include "Preferences.h"
#include "TaskSlotView.h"
#include "WorkbenchDocument.h"
#include "data/TaskDataset.h"
#include "jobs/JobRunner.h"
#include "model/ModelLoader.h"
#include "pipeline/ModelTokenizer.h"
#include "tokenizer/Tokenizer.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>
#include <limits>

namespace qkov {

namespace {

constexpr int kPreviewSamples = 8;

QString kindOf(int which)
{
    return which == WorkbenchDocument::TaskB ? QStringLiteral("task-b") : QStringLiteral("task-a");
}

// Runs on the worker: everything the slot shows, nothing it does not (no token ids).
TaskState summarize(const TaskDataset &data, const QString &name)
{
    TaskState state;
    state.name = name;
    state.path = data.path;
    state.records = data.size();
    state.minTokens = data.samples.empty() ? 0 : std::numeric_limits<int>::max();
    for (const TaskSample &sample : data.samples) {
        const int n = int(sample.tokens.size());
        state.tokens += n;
        state.minTokens = std::min(state.minTokens, n);
        state.maxTokens = std::max(state.maxTokens, n);
    }
    for (int i = 0; i < data.size() && i < kPreviewSamples; ++i)
        state.previews << QStringLiteral("%1: %2").arg(data.samples[size_t(i)].id, data.samples[size_t(i)].preview);
    state.warnings = data.warnings;
    return state;
}

} // namespace

TasksPanel::TasksPanel(WorkbenchDocument *document, QWidget *parent)
    : QWidget(parent), m_document(document)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    for (int which : {WorkbenchDocument::TaskA, WorkbenchDocument::TaskB}) {
        auto *view = new TaskSlotView(which, this);
        m_slots[which] = view;
        layout->addWidget(view, 1);
        connect(view, &TaskSlotView::browseRequested, this, [this, which] { chooseDataset(which); });
        connect(view, &TaskSlotView::openRequested, this, [this, which](const QString &path) { openDataset(which, path); });
        connect(view, &TaskSlotView::nameEdited, this, [this, which](const QString &name) {
            TaskState state = m_document->task(which);
            const QString fallback = which == WorkbenchDocument::TaskB ? tr("task B") : tr("task A");
            const QString chosen = name.isEmpty() ? fallback : name;
            if (state.name == chosen) {
                refresh(which); // shows the fallback when the field was cleared
                return;
            }
            state.name = chosen;
            m_document->setTask(which, state);
            m_document->setModified(true);
        });
    }
    setTabOrder(m_slots[0]->nameEdit(), m_slots[0]->openButton());
    setTabOrder(m_slots[0]->openButton(), m_slots[1]->nameEdit());
    setTabOrder(m_slots[1]->nameEdit(), m_slots[1]->openButton());

    const AnalysisSettings &settings = m_document->settings();
    m_maxLength = settings.maxLength;
    m_maxSamples = settings.maxSamples;

    connect(m_document, &WorkbenchDocument::taskChanged, this, &TasksPanel::refresh);
    connect(m_document, &WorkbenchDocument::settingsChanged, this, &TasksPanel::onSettingsChanged);
    connect(m_document, &WorkbenchDocument::modelChanged, this, [this] {
        for (int which : {WorkbenchDocument::TaskA, WorkbenchDocument::TaskB})
            tokenize(which);
    });
    connect(m_document->jobs(), &JobRunner::jobFinished, this,
            [this](quint64 id, JobOutcome outcome, const QString &) { onJobFinished(id, int(outcome)); });
    refresh(WorkbenchDocument::TaskA);
    refresh(WorkbenchDocument::TaskB);
}

TaskSlotView *TasksPanel::slotView(int which) const
{
    return m_slots[which == WorkbenchDocument::TaskB ? 1 : 0];
}

void TasksPanel::chooseDataset(int which)
{
    const QString start = m_document->task(which).path.isEmpty() ? Preferences::instance().lastOpenFolder()
                                                                 : QFileInfo(m_document->task(which).path).absolutePath();
    const QString path = QFileDialog::getOpenFileName(
        this, which == WorkbenchDocument::TaskB ? tr("Open dataset for task B") : tr("Open dataset for task A"), start,
        tr("Datasets (*.txt *.jsonl *.ndjson *.csv);;All files (*)"));
    if (path.isEmpty())
        return;
    Preferences::instance().setLastOpenFolder(QFileInfo(path).absolutePath());
    openDataset(which, path);
}

void TasksPanel::openDataset(int which, const QString &path, const QString &name)
{
    TaskState state;
    state.name = name.isEmpty() ? m_document->task(which).name : name;
    state.path = QFileInfo(path).absoluteFilePath();
    m_document->setTask(which, state);
    m_document->setModified(true);
    tokenize(which);
}

// (Re)tokenizes the slot's file with the current model and settings; without a
// model the slot keeps the file and waits.
void TasksPanel::tokenize(int which)
{
    const TaskState current = m_document->task(which);
    if (current.path.isEmpty())
        return;
    TaskState pending;
    pending.name = current.name;
    pending.path = current.path;
    const std::shared_ptr<const LoadedModel> model = m_document->model();
    if (!model) {
        m_document->jobs()->cancelKind(kindOf(which));
        m_jobs[which] = 0;
        m_document->setTask(which, pending);
        return;
    }
    pending.loading = true;
    m_document->setTask(which, pending);

    const AnalysisSettings &settings = m_document->settings();
    DatasetOptions options;
    options.maxLength = settings.maxLength;
    options.maxSamples = settings.maxSamples;
    const QString path = pending.path, name = pending.name;
    const QString title = (which == WorkbenchDocument::TaskB ? tr("Tokenizing task B (%1)") : tr("Tokenizing task A (%1)"))
                              .arg(QFileInfo(path).fileName());
    // Errors that carry the slot's identity back: a stale callback must not touch a newer file.
    auto stillCurrent = [this, which, path] {
        const TaskState &now = m_document->task(which);
        return now.path == path && now.loading;
    };
    m_jobs[which] = m_document->jobs()->start<TaskState>(
        kindOf(which), title,
        [model, path, name, options](JobContext &job) {
            job.setStage(TasksPanel::tr("Tokenizing"));
            const std::unique_ptr<Tokenizer> tokenizer = tokenizerFor(*model);
            job.checkCancelled();
            return summarize(loadTaskDataset(path, *tokenizer, options, name), name);
        },
        [this, which, stillCurrent](TaskState state) {
            if (!stillCurrent())
                return;
            state.name = m_document->task(which).name; // renamed while tokenizing
            m_document->setTask(which, state);
        },
        [this, which, path, stillCurrent](const QString &message) {
            if (!stillCurrent())
                return;
            TaskState failed;
            failed.name = m_document->task(which).name;
            failed.path = path;
            failed.error = message;
            m_document->setTask(which, failed);
        });
}

void TasksPanel::onJobFinished(quint64 id, int outcome)
{
    for (int which : {WorkbenchDocument::TaskA, WorkbenchDocument::TaskB}) {
        if (id != m_jobs[which])
            continue;
        m_jobs[which] = 0;
        // A cancelled load leaves the file in the slot, unloaded, and says so.
        if (JobOutcome(outcome) == JobOutcome::Cancelled && m_document->task(which).loading) {
            TaskState state = m_document->task(which);
            state.loading = false;
            state.error = tr("%1: tokenization was cancelled; open the file again to load it").arg(state.path);
            m_document->setTask(which, state);
        }
    }
}

void TasksPanel::onSettingsChanged()
{
    const AnalysisSettings &settings = m_document->settings();
    if (settings.maxLength == m_maxLength && settings.maxSamples == m_maxSamples) {
        refresh(WorkbenchDocument::TaskA);
        refresh(WorkbenchDocument::TaskB);
        return;
    }
    m_maxLength = settings.maxLength;
    m_maxSamples = settings.maxSamples;
    for (int which : {WorkbenchDocument::TaskA, WorkbenchDocument::TaskB})
        tokenize(which);
}

void TasksPanel::refresh(int which)
{
    slotView(which)->showState(m_document->task(which), m_document->model() != nullptr, m_document->settings().maxSamples);
}

} // namespace qkov
