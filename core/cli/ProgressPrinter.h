#pragma once
// Progress of a long command on stderr (CLI.md): a bar with ETA on a
// terminal, plain lines otherwise; nothing with --quiet.
#include "../jobs/JobContext.h"

#include <QElapsedTimer>
#include <QString>
#include <QTextStream>

namespace qkov::cli {

class ProgressPrinter
{
public:
    ProgressPrinter(QTextStream &err, bool quiet);
    ~ProgressPrinter(); // ends the bar's line
    // The sink to give a JobContext.
    JobContext::ProgressSink sink();

private:
    void show(const JobProgress &p);

    QTextStream &m_err;
    bool m_quiet;
    bool m_terminal;
    QString m_lastStage;
    int m_lastDecile = -1;
    bool m_barOpen = false;
    QElapsedTimer m_started;
};

} // namespace qkov::cli
