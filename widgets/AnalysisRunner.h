#pragma once
// Starts the analysis of the document's model and tasks as a job (kind
// "analysis"; its stages and progress come from runAnalysis) and delivers the
// result to the document. Errors go out as failed(message) for the window to
// show; a cancelled or failed run leaves the previous result in place.
#include "pipeline/AnalysisPipeline.h"

#include <QObject>
#include <QTimer>

namespace qkov {

class WorkbenchDocument;

class AnalysisRunner : public QObject
{
    Q_OBJECT
public:
    explicit AnalysisRunner(WorkbenchDocument *document, QObject *parent = nullptr);

    // The request for the document as it is now. Throws qkov::Error when the
    // document has no model or a task has no file.
    static AnalysisRequest requestFor(const WorkbenchDocument &document);

    bool isRunning() const { return m_job != 0; }
    quint64 currentJob() const { return m_job; }

    // The memory a finished or cancelled analysis (or any other job) leaves
    // for a re-run (releaseAnalysisMemory) is kept this long after the last
    // job ended, then given back (default one minute).
    void setMemoryReleaseDelay(int milliseconds) { m_releaseTimer.setInterval(milliseconds); }
    bool memoryReleasePending() const { return m_releaseTimer.isActive(); }

public Q_SLOTS:
    // Starts (or restarts) the analysis; returns the job id, 0 when it could
    // not start (failed() says why).
    quint64 start();
    // Cancels the running analysis; the document keeps its previous result.
    void cancel();

Q_SIGNALS:
    void started(quint64 job);
    void succeeded();
    void failed(const QString &message);
    void cancelled();
    void runningChanged(bool running);
    void analysisMemoryReleased();

private:
    void onJobFinished(quint64 id, int outcome);

    WorkbenchDocument *m_document;
    quint64 m_job = 0;
    QTimer m_releaseTimer;
};

} // namespace qkov
