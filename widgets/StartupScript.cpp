#include "StartupScript.h"

#include "AnalysisRunner.h"
#include "MainWindow.h"
#include "TasksPanel.h"
#include "WorkbenchDocument.h"

#include <QFileInfo>
#include <QTextStream>
#include <QTimer>

namespace qkov {

StartupScript::StartupScript(MainWindow *window, const StartupOptions &options)
    : QObject(window), m_window(window), m_options(options)
{
}

void StartupScript::start()
{
    WorkbenchDocument *doc = m_window->document();
    if (m_options.permutations >= 0) {
        AnalysisSettings s = doc->settings();
        s.permutations = m_options.permutations;
        s.bootstrap = std::max(1, m_options.permutations);
        doc->setSettings(s);
        doc->setModified(false);
    }
    connect(m_window, &MainWindow::modelLoaded, this, &StartupScript::onModelReady);
    connect(m_window, &MainWindow::sessionOpened, this, &StartupScript::onResult);
    connect(doc, &WorkbenchDocument::taskChanged, this, &StartupScript::maybeRun);
    connect(m_window, &MainWindow::errorShown, this, [this] {
        if (!m_options.screenshotDir.isEmpty())
            takeScreenshots(); // show the error state rather than hang
    });
    if (m_options.demo)
        m_window->openDemo();
    else if (!m_options.path.isEmpty())
        m_window->openPath(m_options.path);
    else if (!m_options.screenshotDir.isEmpty())
        QTimer::singleShot(500, this, &StartupScript::takeScreenshots);
}

void StartupScript::onModelReady()
{
    if (!m_options.taskA.isEmpty())
        m_window->tasksPanel()->openDataset(WorkbenchDocument::TaskA, m_options.taskA);
    if (!m_options.taskB.isEmpty())
        m_window->tasksPanel()->openDataset(WorkbenchDocument::TaskB, m_options.taskB);
    const bool bothTasks = m_options.demo || (!m_options.taskA.isEmpty() && !m_options.taskB.isEmpty());
    if (!bothTasks || !m_options.run) {
        if (!m_options.screenshotDir.isEmpty())
            QTimer::singleShot(1500, this, &StartupScript::takeScreenshots);
    }
}

void StartupScript::maybeRun()
{
    WorkbenchDocument *doc = m_window->document();
    if (!m_options.run || m_ran || !doc->canRunAnalysis())
        return;
    m_ran = true;
    connect(doc, &WorkbenchDocument::resultChanged, this, &StartupScript::onResult, Qt::UniqueConnection);
    m_window->analysisRunner()->start();
}

void StartupScript::onResult()
{
    if (m_options.screenshotDir.isEmpty() || !m_window->document()->result())
        return;
    // Select the strongest head so the probe shows a pattern, then let the probe settle.
    const auto r = m_window->document()->result();
    const std::vector<float> &heat = r->blocks[0].heatmap;
    if (!heat.empty()) {
        const size_t best = size_t(std::max_element(heat.begin(), heat.end()) - heat.begin());
        m_window->document()->selectHead(int(best) / r->heads, int(best) % r->heads);
    }
    // The probe reruns for the selected head; give it time to show its pattern.
    QTimer::singleShot(4000, this, &StartupScript::takeScreenshots);
}

void StartupScript::takeScreenshots()
{
    if (m_options.screenshotDir.isEmpty())
        return;
    const QStringList written = m_window->writeScreenshots(m_options.screenshotDir);
    QTextStream(stdout) << written.join(QLatin1Char('\n')) << "\n";
    m_options.screenshotDir.clear(); // once
    Q_EMIT finished(written.isEmpty() ? 1 : 0);
}

} // namespace qkov
