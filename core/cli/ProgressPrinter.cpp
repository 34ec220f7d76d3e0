#include "ProgressPrinter.h"

#include <unistd.h>

namespace qkov::cli {

ProgressPrinter::ProgressPrinter(QTextStream &err, bool quiet)
    : m_err(err), m_quiet(quiet), m_terminal(isatty(STDERR_FILENO) == 1)
{
    m_started.start();
}

ProgressPrinter::~ProgressPrinter()
{
    if (m_barOpen) {
        m_err << "\n";
        m_err.flush();
    }
}

JobContext::ProgressSink ProgressPrinter::sink()
{
    if (m_quiet)
        return {};
    return [this](const JobProgress &p) { show(p); };
}

void ProgressPrinter::show(const JobProgress &p)
{
    const double fraction = p.fraction < 0 ? 0.0 : std::min(1.0, p.fraction);
    if (m_terminal) {
        const int width = 30;
        const int filled = int(fraction * width + 0.5);
        QString eta;
        if (p.etaSeconds >= 0)
            eta = QStringLiteral(" ETA %1s").arg(int(p.etaSeconds + 0.5));
        m_err << "\r\033[K" << p.stage.left(40).leftJustified(40) << " [" << QString(filled, QLatin1Char('#'))
              << QString(width - filled, QLatin1Char('.')) << "] " << QString::number(int(fraction * 100)).rightJustified(3)
              << "%" << eta;
        m_barOpen = true;
        m_err.flush();
        return;
    }
    // Plain lines: one per stage, and one per tenth of a long stage.
    const int decile = int(fraction * 10);
    if (p.stage != m_lastStage) {
        m_lastStage = p.stage;
        m_lastDecile = -1;
        m_err << QStringLiteral("[%1 s] %2").arg(m_started.elapsed() / 1000.0, 0, 'f', 1).arg(p.stage) << "\n";
    } else if (decile > m_lastDecile && decile > 0 && decile < 10) {
        m_err << QStringLiteral("[%1 s] %2: %3%").arg(m_started.elapsed() / 1000.0, 0, 'f', 1).arg(p.stage).arg(decile * 10) << "\n";
    }
    m_lastDecile = std::max(m_lastDecile, decile);
    m_err.flush();
}

} // namespace qkov::cli
