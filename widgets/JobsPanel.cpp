#include "JobsPanel.h"

#include "StatusColours.h"

#include <QCoreApplication>
#include <QFrame>
#include <QGridLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace qkov {

QString etaText(double seconds)
{
    if (!(seconds >= 0) || !std::isfinite(seconds))
        return QString();
    if (seconds < 60)
        return JobsPanel::tr("about %1 s left").arg(std::max(1, int(std::lround(seconds))));
    if (seconds < 3600)
        return JobsPanel::tr("about %1 min left").arg(int(std::lround(seconds / 60)));
    return JobsPanel::tr("about %1 h left").arg(seconds / 3600, 0, 'f', 1);
}

QString durationText(double seconds)
{
    if (seconds < 0.05)
        return JobsPanel::tr("under 0.1 s");
    if (seconds < 60)
        return JobsPanel::tr("%1 s").arg(seconds, 0, 'f', 1);
    const int whole = int(std::lround(seconds));
    return JobsPanel::tr("%1 min %2 s").arg(whole / 60).arg(whole % 60);
}

JobsPanel::JobsPanel(JobRunner *jobs, QWidget *parent)
    : QWidget(parent), m_jobs(jobs), m_list(new QVBoxLayout), m_empty(new QLabel(this)),
      m_clear(new QPushButton(tr("Clear finished"), this))
{
    m_empty->setText(tr("No jobs yet. Loading a model or a dataset, or running the analysis (F5), shows its progress here."));
    m_empty->setWordWrap(true);
    m_empty->setEnabled(false); // greyed: a hint, not content
    m_clear->setToolTip(tr("Removes the finished jobs from the list."));
    connect(m_clear, &QPushButton::clicked, this, &JobsPanel::clearFinished);

    auto *content = new QWidget(this);
    auto *column = new QVBoxLayout(content);
    column->setContentsMargins(0, 0, 0, 0);
    m_list->setSpacing(2);
    column->addWidget(m_empty);
    column->addLayout(m_list);
    column->addStretch(1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setAccessibleName(tr("Jobs"));

    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_clear);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(scroll, 1);
    layout->addLayout(buttons);

    connect(m_jobs, &JobRunner::jobStarted, this, &JobsPanel::onStarted);
    connect(m_jobs, &JobRunner::jobProgress, this, &JobsPanel::onProgress);
    connect(m_jobs, &JobRunner::jobFinished, this, &JobsPanel::onFinished);
    for (const JobInfo &job : m_jobs->runningJobs())
        onStarted(job);
    updateEmptyState();
}

void JobsPanel::onStarted(const JobInfo &job)
{
    Row row;
    row.info = job;
    row.clock.start();
    row.widget = new QFrame(this);
    row.widget->setObjectName(QStringLiteral("job-%1").arg(job.id));
    static_cast<QFrame *>(row.widget)->setFrameShape(QFrame::StyledPanel);
    row.title = new QLabel(job.title, row.widget);
    row.title->setTextFormat(Qt::PlainText);
    QFont bold = row.title->font();
    bold.setBold(true);
    row.title->setFont(bold);
    row.status = new QLabel(tr("Starting..."), row.widget);
    row.status->setTextFormat(Qt::PlainText);
    row.status->setWordWrap(true);
    row.status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    row.bar = new QProgressBar(row.widget);
    row.bar->setRange(0, 0); // busy until the first progress report
    row.bar->setFormat(QStringLiteral("%p %"));
    row.bar->setAccessibleName(tr("Progress of %1").arg(job.title));
    row.cancel = new QToolButton(row.widget);
    row.cancel->setText(tr("Cancel"));
    row.cancel->setToolButtonStyle(Qt::ToolButtonTextOnly);
    row.cancel->setAccessibleName(tr("Cancel %1").arg(job.title));
    row.cancel->setToolTip(tr("Stops this job; what it would have replaced stays as it was."));
    const quint64 id = job.id;
    connect(row.cancel, &QToolButton::clicked, this, [this, id] {
        m_jobs->cancel(id);
        if (auto it = m_rows.find(id); it != m_rows.end() && !it->finished) {
            it->status->setText(tr("Cancelling..."));
            it->cancel->setEnabled(false);
        }
    });

    auto *grid = new QGridLayout(row.widget);
    grid->setContentsMargins(6, 4, 6, 4);
    grid->addWidget(row.title, 0, 0);
    grid->addWidget(row.cancel, 0, 1, 2, 1, Qt::AlignRight | Qt::AlignVCenter);
    grid->addWidget(row.status, 1, 0);
    grid->addWidget(row.bar, 2, 0, 1, 2);
    grid->setColumnStretch(0, 1);

    m_list->insertWidget(0, row.widget); // newest on top
    m_rows.insert(id, row);
    updateEmptyState();
}

void JobsPanel::onProgress(quint64 id, const JobProgress &progress)
{
    const auto it = m_rows.find(id);
    if (it == m_rows.end() || it->finished)
        return;
    QStringList parts;
    if (!progress.stage.isEmpty())
        parts << progress.stage;
    if (progress.fraction >= 0) {
        const int permille = int(std::lround(std::clamp(progress.fraction, 0.0, 1.0) * 1000));
        it->bar->setRange(0, 1000);
        it->bar->setValue(permille); // the bar shows the percentage
        const QString eta = etaText(progress.etaSeconds);
        if (!eta.isEmpty())
            parts << eta;
    } else {
        it->bar->setRange(0, 0);
    }
    if (it->cancel->isEnabled())
        it->status->setText(parts.join(QStringLiteral(" - ")));
}

void JobsPanel::onFinished(quint64 id, JobOutcome outcome, const QString &message)
{
    const auto it = m_rows.find(id);
    if (it == m_rows.end())
        return;
    it->finished = true;
    it->bar->hide();
    it->cancel->hide();
    setTextColour(it->status, palette().color(QPalette::WindowText));
    switch (outcome) {
    case JobOutcome::Succeeded:
        it->status->setText(tr("done in %1").arg(durationText(it->clock.elapsed() / 1000.0)));
        break;
    case JobOutcome::Cancelled:
        it->status->setText(tr("cancelled"));
        break;
    case JobOutcome::Superseded:
        it->status->setText(tr("superseded by a newer job of the same kind"));
        break;
    case JobOutcome::Failed:
        it->status->setText(tr("failed: %1").arg(message));
        setTextColour(it->status, errorTextColour(palette()));
        break;
    }
    it->status->setToolTip(it->status->text());
    m_finishedOrder.append(id);
    dropOldFinished();
}

void JobsPanel::dropOldFinished()
{
    while (m_finishedOrder.size() > kFinishedKept) {
        const quint64 oldest = m_finishedOrder.takeFirst();
        if (const auto it = m_rows.find(oldest); it != m_rows.end()) {
            delete it->widget;
            m_rows.erase(it);
        }
    }
    updateEmptyState();
}

void JobsPanel::clearFinished()
{
    for (const quint64 id : std::as_const(m_finishedOrder))
        if (const auto it = m_rows.find(id); it != m_rows.end()) {
            delete it->widget;
            m_rows.erase(it);
        }
    m_finishedOrder.clear();
    updateEmptyState();
}

void JobsPanel::updateEmptyState()
{
    m_empty->setVisible(m_rows.isEmpty());
    m_clear->setEnabled(!m_finishedOrder.isEmpty());
}

QString JobsPanel::statusText(quint64 id) const
{
    const auto it = m_rows.find(id);
    return it == m_rows.end() ? QString() : it->status->text();
}

QProgressBar *JobsPanel::progressBar(quint64 id) const
{
    const auto it = m_rows.find(id);
    return it == m_rows.end() ? nullptr : it->bar;
}

QToolButton *JobsPanel::cancelButton(quint64 id) const
{
    const auto it = m_rows.find(id);
    return it == m_rows.end() ? nullptr : it->cancel;
}

} // namespace qkov
