#pragma once
// The Jobs panel: running jobs (title, stage, progress with percentage and
// ETA, a Cancel button each) above the last few finished ones ("done in
// 3.2 s", "cancelled", "failed: ..."), fed by JobRunner's signals.
#include "jobs/JobRunner.h"

#include <QElapsedTimer>
#include <QHash>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QToolButton;
class QVBoxLayout;

namespace qkov {

class JobsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit JobsPanel(JobRunner *jobs, QWidget *parent = nullptr);

    static constexpr int kFinishedKept = 10;

    int rowCount() const { return int(m_rows.size()); }
    // The row's status line ("Collecting task A - 42 % - about 12 s left",
    // "done in 3.2 s", "cancelled", "failed: ..."); "" for an unknown id.
    QString statusText(quint64 id) const;
    QProgressBar *progressBar(quint64 id) const;
    QToolButton *cancelButton(quint64 id) const;

private:
    struct Row
    {
        JobInfo info;
        QWidget *widget = nullptr;
        QLabel *title = nullptr;
        QLabel *status = nullptr;
        QProgressBar *bar = nullptr;
        QToolButton *cancel = nullptr;
        QElapsedTimer clock;
        bool finished = false;
    };

    void onStarted(const JobInfo &job);
    void onProgress(quint64 id, const JobProgress &progress);
    void onFinished(quint64 id, JobOutcome outcome, const QString &message);
    void dropOldFinished();
    void clearFinished();
    void updateEmptyState();

    JobRunner *m_jobs;
    QVBoxLayout *m_list;
    QLabel *m_empty;
    QPushButton *m_clear;
    QHash<quint64, Row> m_rows;
    QList<quint64> m_finishedOrder; // oldest first
};

// "about 12 s left", "about 3 min left" ("" when unknown).
QString etaText(double seconds);
// "0.8 s", "3.2 s", "2 min 5 s".
QString durationText(double seconds);

} // namespace qkov
