#include "AnalysisRunner.h"

#include "Error.h"
#include "WorkbenchDocument.h"
#include "jobs/JobRunner.h"

#include <QFileInfo>

namespace qkov {

namespace {
const QString kAnalysisKind = QStringLiteral("analysis");
constexpr int kMemoryReleaseDelayMs = 60 * 1000;
}

AnalysisRunner::AnalysisRunner(WorkbenchDocument *document, QObject *parent)
    : QObject(parent), m_document(document)
{
    connect(m_document->jobs(), &JobRunner::jobFinished, this,
            [this](quint64 id, JobOutcome outcome, const QString &) { onJobFinished(id, int(outcome)); });
    // Any job (a probe, a sweep) leaves cached memory behind, not only an
    // analysis: given back once no job has run for the delay.
    m_releaseTimer.setSingleShot(true);
    m_releaseTimer.setInterval(kMemoryReleaseDelayMs);
    connect(m_document->jobs(), &JobRunner::idle, &m_releaseTimer, qOverload<>(&QTimer::start));
    connect(m_document->jobs(), &JobRunner::jobStarted, &m_releaseTimer, &QTimer::stop);
    connect(&m_releaseTimer, &QTimer::timeout, this, [this] {
        // Unmapping is quick (the store's memory is in 2 MB pages).
        releaseAnalysisMemory();
        Q_EMIT analysisMemoryReleased();
    });
}

AnalysisRequest AnalysisRunner::requestFor(const WorkbenchDocument &document)
{
    const std::shared_ptr<const LoadedModel> model = document.model();
    if (!model)
        throw Error(QString(), tr("open a model before running the analysis"));
    AnalysisRequest request;
    request.modelPath = model->path;
    const TaskState *tasks[2] = {&document.task(WorkbenchDocument::TaskA), &document.task(WorkbenchDocument::TaskB)};
    TaskSpec *specs[2] = {&request.taskA, &request.taskB};
    for (int i = 0; i < 2; ++i) {
        if (tasks[i]->path.isEmpty())
            throw Error(QString(), i == 0 ? tr("task A has no dataset") : tr("task B has no dataset"));
        specs[i]->name = tasks[i]->name;
        specs[i]->path = tasks[i]->path;
    }
    request.settings = document.settings();
    // Only the zero method needs no reference activations, so it is the only
    // one an analysis accepts; say so before any work starts.
    if (document.freezeSet().needsReference())
        throw Error(QStringLiteral("--freeze"), tr("during an analysis only zero freezing is available; mean, noise and "
                                                   "resample need reference activations (set the frozen heads to zero, or clear them)"));
    request.settings.freeze = document.freezeSet().empty() ? QString() : document.freezeSet().format();
    return request;
}

quint64 AnalysisRunner::start()
{
    AnalysisRequest request;
    try {
        request = requestFor(*m_document);
        request.settings.validate();
    } catch (const Error &e) {
        Q_EMIT failed(e.message());
        return 0;
    }
    const std::shared_ptr<const LoadedModel> model = m_document->model();
    const QString title = tr("Analysis: %1 vs %2 (%3)")
                              .arg(request.taskA.name, request.taskB.name, QFileInfo(model->path).fileName());
    const bool wasRunning = isRunning();
    // The model is shared, not copied: the job keeps it alive even if the user opens another one.
    m_job = m_document->jobs()->start<AnalysisResult>(
        kAnalysisKind, title,
        [model, request](JobContext &job) { return runAnalysis(*model, request, &job); },
        [this, model](AnalysisResult result) {
            if (m_document->model() != model)
                return; // finished for a model that is no longer open
            m_document->setResult(std::make_shared<const AnalysisResult>(std::move(result)));
            Q_EMIT succeeded();
        },
        [this](const QString &message) { Q_EMIT failed(message); });
    Q_EMIT started(m_job);
    if (!wasRunning)
        Q_EMIT runningChanged(true);
    return m_job;
}

void AnalysisRunner::cancel()
{
    if (m_job)
        m_document->jobs()->cancel(m_job);
}

void AnalysisRunner::onJobFinished(quint64 id, int outcome)
{
    if (id != m_job)
        return; // an older run that a newer one superseded
    m_job = 0;
    if (JobOutcome(outcome) == JobOutcome::Cancelled)
        Q_EMIT cancelled();
    Q_EMIT runningChanged(false);
}

} // namespace qkov
