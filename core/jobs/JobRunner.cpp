#include "JobRunner.h"

#include "ThreadHandoff.h"

#include <QCoreApplication>
#include <QRunnable>
#include <new>

namespace qkov {

namespace {
// The pool hand-off's token: an address both sides know without reading the
// runnable's captures (reading one to find a token would precede the acquire).
const char kPoolToken = 0;
}

QEvent::Type JobRunner::JobEvent::eventType()
{
    static const auto type = QEvent::Type(QEvent::registerEventType());
    return type;
}

JobRunner::JobRunner(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<JobInfo>();
    qRegisterMetaType<JobProgress>();
    qRegisterMetaType<JobOutcome>();
    // Compute jobs parallelise internally (LibTorch/OpenBLAS threads); a few
    // concurrent jobs (load, analysis, probe) are enough.
    m_pool.setMaxThreadCount(3);
}

JobRunner::~JobRunner()
{
    cancelAll();
    m_pool.waitForDone();
}

quint64 JobRunner::startErased(const QString &kind, const QString &title, std::function<void(JobContext &)> work,
                               std::function<void()> deliver, std::function<void(const QString &)> onError)
{
    const quint64 id = m_nextId++;
    if (const auto previous = m_newestOfKind.find(kind); previous != m_newestOfKind.end())
        cancel(previous.value());
    m_newestOfKind.insert(kind, id);

    QPointer<JobRunner> self(this);
    auto context = std::make_shared<JobContext>([self, id](const JobProgress &p) {
        post(self, [id, p](JobRunner &runner) {
            if (runner.m_running.contains(id))
                Q_EMIT runner.jobProgress(id, p);
        });
    });
    Running running{{id, kind, title}, context};
    m_running.insert(id, running);
    Q_EMIT jobStarted(running.info);

    QRunnable *runnable = QRunnable::create([self, id, context, work = std::move(work), deliver = std::move(deliver),
                                             onError = std::move(onError)]() mutable {
        handoff::acquire(&kPoolToken);
        JobOutcome outcome = JobOutcome::Succeeded;
        QString message;
        try {
            context->checkCancelled();
            work(*context);
        } catch (const JobCancelled &) {
            outcome = JobOutcome::Cancelled;
        } catch (const Error &e) {
            outcome = JobOutcome::Failed;
            message = e.message();
        } catch (const std::bad_alloc &) {
            outcome = JobOutcome::Failed;
            message = QCoreApplication::translate("qkov::JobRunner", "out of memory");
        } catch (const std::exception &e) {
            outcome = JobOutcome::Failed;
            message = QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0);
        }
        if (outcome == JobOutcome::Succeeded && context->isCancelled())
            outcome = JobOutcome::Cancelled; // finished after a cancel: its result is stale
        // What the work held (a model, its share of the result) goes now, on
        // this thread, and the result travels only with the delivery: nothing
        // of it is left for the pool to free whenever it deletes the runnable,
        // possibly after the receiver has used and dropped the result.
        work = nullptr;
        post(self, [id, outcome, message, deliver = std::move(deliver), onError = std::move(onError)](JobRunner &runner) {
            runner.complete(id, outcome, message, deliver, onError);
        });
    });
    handoff::release(&kPoolToken); // the runnable, captures included, is built
    m_pool.start(runnable);
    return id;
}

void JobRunner::post(const QPointer<JobRunner> &runner, std::function<void(JobRunner &)> apply)
{
    // The runner outlives its workers (its destructor waits for them), so a
    // worker finds it alive or already cleared.
    if (!runner)
        return;
    auto *event = new JobEvent(std::move(apply));
    handoff::release(event); // built: everything in it is visible to the receiver
    QCoreApplication::postEvent(runner, event);
}

bool JobRunner::event(QEvent *event)
{
    if (event->type() != JobEvent::eventType())
        return QObject::event(event);
    auto *message = static_cast<JobEvent *>(event);
    handoff::acquire(message);
    message->apply(*this);
    return true;
}

void JobRunner::complete(quint64 id, JobOutcome outcome, const QString &message, const std::function<void()> &deliver,
                         const std::function<void(const QString &)> &onError)
{
    const auto it = m_running.find(id);
    if (it == m_running.end())
        return;
    const QString kind = it->info.kind;
    m_running.erase(it);
    const bool newest = m_newestOfKind.value(kind) == id;
    if (newest)
        m_newestOfKind.remove(kind);
    else if (outcome != JobOutcome::Failed)
        outcome = JobOutcome::Superseded; // a newer job of this kind owns the views now
    if (outcome == JobOutcome::Succeeded)
        deliver();
    else if (outcome == JobOutcome::Failed && newest && onError)
        onError(message);
    Q_EMIT jobFinished(id, outcome, message);
    if (m_running.isEmpty())
        Q_EMIT idle();
}

void JobRunner::cancel(quint64 id)
{
    if (const auto it = m_running.find(id); it != m_running.end())
        it->context->requestCancel();
}

void JobRunner::cancelKind(const QString &kind)
{
    for (const Running &r : std::as_const(m_running))
        if (r.info.kind == kind)
            r.context->requestCancel();
}

void JobRunner::cancelAll()
{
    for (const Running &r : std::as_const(m_running))
        r.context->requestCancel();
}

QList<JobInfo> JobRunner::runningJobs() const
{
    QList<JobInfo> jobs;
    for (const Running &r : m_running)
        jobs << r.info;
    return jobs;
}

void JobRunner::waitForAll()
{
    m_pool.waitForDone();
    QCoreApplication::sendPostedEvents(this);
}

} // namespace qkov
