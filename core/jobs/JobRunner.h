#pragma once
// Runs jobs on worker threads for the GUI (the CLI runs the same job bodies
// inline with a terminal progress bar). Each job gets an increasing id; a new
// job of the same kind supersedes the running one, whose result is dropped
// (hotspot's stale-result rule). Results travel back as plain values in
// events posted to the runner's thread; the GUI thread never waits.
#include "../Error.h"
#include "JobContext.h"

#include <QEvent>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>
#include <functional>
#include <memory>

namespace qkov {

enum class JobOutcome { Succeeded, Failed, Cancelled, Superseded };

struct JobInfo
{
    quint64 id = 0;
    QString kind;   // jobs of one kind supersede each other ("load-model", "analysis", "probe")
    QString title;  // shown in the Jobs panel
};

class JobRunner : public QObject
{
    Q_OBJECT
public:
    explicit JobRunner(QObject *parent = nullptr);
    ~JobRunner() override; // cancels everything and waits for the workers

    // Starts `work` on a worker thread. `onResult` runs on this object's thread
    // with the result, only if the job is still the newest of its kind and was
    // not cancelled; `onError` likewise with the error message.
    template<class Result>
    quint64 start(const QString &kind, const QString &title, std::function<Result(JobContext &)> work,
                  std::function<void(Result)> onResult, std::function<void(const QString &)> onError = {})
    {
        auto result = std::make_shared<Result>();
        return startErased(
            kind, title, [work, result](JobContext &ctx) { *result = work(ctx); },
            [onResult, result] { onResult(std::move(*result)); }, std::move(onError));
    }

    void cancel(quint64 id);
    void cancelKind(const QString &kind);
    void cancelAll();
    bool isRunning(quint64 id) const { return m_running.contains(id); }
    int runningCount() const { return int(m_running.size()); }
    QList<JobInfo> runningJobs() const;
    // Blocks until all workers are done (tests and shutdown only, never from GUI code paths).
    void waitForAll();

Q_SIGNALS:
    void jobStarted(const qkov::JobInfo &job);
    void jobProgress(quint64 id, const qkov::JobProgress &progress);
    void jobFinished(quint64 id, qkov::JobOutcome outcome, const QString &message);
    // The last running job finished (after its jobFinished).
    void idle();

protected:
    bool event(QEvent *event) override;

private:
    // A worker's message to the runner's thread (progress, completion),
    // posted as an event: the hand-off is marked for ThreadSanitizer once the
    // message is built (ThreadHandoff.h), which a queued call cannot do.
    struct JobEvent final : QEvent
    {
        explicit JobEvent(std::function<void(JobRunner &)> apply) : QEvent(eventType()), apply(std::move(apply)) {}
        static QEvent::Type eventType();
        std::function<void(JobRunner &)> apply;
    };
    static void post(const QPointer<JobRunner> &runner, std::function<void(JobRunner &)> apply);

    struct Running
    {
        JobInfo info;
        std::shared_ptr<JobContext> context;
    };
    quint64 startErased(const QString &kind, const QString &title, std::function<void(JobContext &)> work,
                        std::function<void()> deliver, std::function<void(const QString &)> onError);
    void complete(quint64 id, JobOutcome outcome, const QString &message, const std::function<void()> &deliver,
                  const std::function<void(const QString &)> &onError);

    QThreadPool m_pool;
    quint64 m_nextId = 1;
    QHash<quint64, Running> m_running;
    QHash<QString, quint64> m_newestOfKind;
};

} // namespace qkov

Q_DECLARE_METATYPE(qkov::JobInfo)
Q_DECLARE_METATYPE(qkov::JobProgress)
Q_DECLARE_METATYPE(qkov::JobOutcome)
