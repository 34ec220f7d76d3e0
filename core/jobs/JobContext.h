#pragma once
// What a running job sees: progress reporting and cooperative cancellation.
// Jobs call checkCancelled() at least every ~100 ms of work so that a cancel
// takes effect within 200 ms.
#include <QElapsedTimer>
#include <mutex>
#include <QString>
#include <atomic>
#include <exception>
#include <functional>

namespace qkov {

struct JobProgress
{
    double fraction = 0.0;   // 0..1, or < 0 when unknown
    QString stage;           // "Loading tensors", "Collecting task A", ...
    double etaSeconds = -1;  // < 0 when unknown
};

// Thrown by JobContext::checkCancelled(); the runner reports the job as cancelled.
struct JobCancelled : std::exception
{
    const char *what() const noexcept override { return "job cancelled"; }
};

class JobContext
{
public:
    using ProgressSink = std::function<void(const JobProgress &)>;
    explicit JobContext(ProgressSink sink = {});

    void setStage(const QString &stage);
    // Reports progress (throttled to ~20 updates/s). Also checks for cancellation.
    void setProgress(double fraction);
    void setProgress(qint64 done, qint64 total) { setProgress(total > 0 ? double(done) / double(total) : -1.0); }

    void requestCancel() { m_cancelled.store(true, std::memory_order_relaxed); }
    bool isCancelled() const { return m_cancelled.load(std::memory_order_relaxed); }
    void checkCancelled() const
    {
        if (isCancelled())
            throw JobCancelled();
    }
    JobProgress progress() const;

private:
    void emitProgress(bool force);

    ProgressSink m_sink;
    std::atomic<bool> m_cancelled{false};
    mutable std::mutex m_mutex; // std: ThreadSanitizer sees pthread mutexes, not Debian Qt's futexes
    JobProgress m_progress;
    QElapsedTimer m_started;
    QElapsedTimer m_lastEmit;
    QElapsedTimer m_stageStarted;
};

} // namespace qkov
