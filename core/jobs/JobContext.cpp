#include "JobContext.h"

#include <mutex>

namespace qkov {

JobContext::JobContext(ProgressSink sink) : m_sink(std::move(sink))
{
    m_started.start();
    m_stageStarted.start();
}

void JobContext::setStage(const QString &stage)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_progress.stage = stage;
        m_progress.fraction = 0.0;
        m_progress.etaSeconds = -1;
        m_stageStarted.restart();
    }
    emitProgress(true);
    checkCancelled();
}

void JobContext::setProgress(double fraction)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_progress.fraction = fraction;
        // ETA of the current stage from its own elapsed time: stages differ in speed.
        const double elapsed = m_stageStarted.elapsed() / 1000.0;
        m_progress.etaSeconds = (fraction > 0.02 && fraction <= 1.0 && elapsed > 0.5)
            ? elapsed * (1.0 - fraction) / fraction : -1.0;
    }
    emitProgress(false);
    checkCancelled();
}

JobProgress JobContext::progress() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_progress;
}

void JobContext::emitProgress(bool force)
{
    if (!m_sink)
        return;
    JobProgress copy;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (!force && m_lastEmit.isValid() && m_lastEmit.elapsed() < 50)
            return;
        m_lastEmit.start();
        copy = m_progress;
    }
    m_sink(copy);
}

} // namespace qkov
