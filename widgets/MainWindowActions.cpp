// The window's menus and actions, and the commands behind them.
#include "AnalysisRunner.h"
#include "AnalysisSettingsPanel.h"
#include "ConflictsPanel.h"
#include "demo/DemoModel.h"
#include "jobs/JobRunner.h"
#include "Error.h"
#include "FreezingPanel.h"
#include "HeatmapsPanel.h"
#include "JobsPanel.h"
#include "LogPanel.h"
#include "MainWindow.h"
#include "ModelDock.h"
#include "ModelOverview.h"
#include "Preferences.h"
#include "PreferencesDialog.h"
#include "ProbePanel.h"
#include "ReportExport.h"
#include "SessionController.h"
#include "StartPage.h"
#include "TasksPanel.h"
#include "WorkbenchDocument.h"

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QUndoStack>

namespace qkov {

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open Model..."), this, &MainWindow::chooseModel);
    open->setShortcut(QKeySequence::Open);
    open->setStatusTip(tr("Open a HuggingFace folder, a .safetensors file or a llama2.c checkpoint"));
    QAction *openFolder = file->addAction(tr("Open Model &Folder..."), this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Open model folder"), Preferences::instance().lastOpenFolder());
        if (!dir.isEmpty())
            openModel(dir);
    });
    openFolder->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_O));
    QAction *openDemoAction = file->addAction(tr("Open &Demo Model"), this, &MainWindow::openDemo);
    openDemoAction->setStatusTip(tr("The embedded demo: a small model with a known induction circuit and its two tasks"));
    QAction *openSessionAction = file->addAction(tr("Open &Session..."), this, &MainWindow::chooseSession);
    openSessionAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    updateRecentMenu();
    file->addSeparator();
    m_saveAction = file->addAction(tr("&Save Session"), this, &MainWindow::save);
    m_saveAction->setShortcut(QKeySequence::Save);
    m_saveAsAction = file->addAction(tr("Save Session &As..."), this, &MainWindow::saveAs);
    m_saveAsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    file->addSeparator();
    m_exportAction = file->addAction(tr("&Export Figure..."), this, &MainWindow::exportFigure);
    m_exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_reportAction = file->addAction(tr("Export &Report PDF..."), this, &MainWindow::exportReport);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *undo = m_document->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction *redo = m_document->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence::Redo});
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    edit->addAction(tr("Clear All &Freezes"), m_freezing, &FreezingPanel::clearAll);
    edit->addSeparator();
    QAction *preferences = edit->addAction(tr("&Preferences..."), this, [this] {
        auto *dialog = new PreferencesDialog(this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
    });
    preferences->setShortcut(QKeySequence::Preferences);
    preferences->setMenuRole(QAction::PreferencesRole);

    QMenu *analysis = menuBar()->addMenu(tr("&Analysis"));
    m_runAction = analysis->addAction(tr("&Run Analysis"), this, [this] { m_runner->start(); });
    m_runAction->setShortcut(Qt::Key_F5);
    m_cancelAction = analysis->addAction(tr("&Cancel Job"), this, [this] {
        m_runner->cancel();
        m_jobs->cancelAll();
    });
    m_cancelAction->setShortcut(Qt::Key_Escape);
    analysis->addSeparator();
    analysis->addAction(tr("Open Dataset for Task &A..."), this, [this] { m_tasks->chooseDataset(WorkbenchDocument::TaskA); });
    analysis->addAction(tr("Open Dataset for Task &B..."), this, [this] { m_tasks->chooseDataset(WorkbenchDocument::TaskB); });

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    for (QDockWidget *dock : std::as_const(m_docks))
        m_viewMenu->addAction(dock->toggleViewAction());
    m_viewMenu->addSeparator();
    m_viewMenu->addAction(tr("&Heatmaps"), this, [this] { m_centre->setCurrentWidget(m_heatmaps); });
    m_viewMenu->addAction(tr("Model &Overview"), this, [this] { m_centre->setCurrentWidget(m_overview); });

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About QKOV Workbench"), this, [this] {
        QMessageBox::about(this, tr("About QKOV Workbench"),
                           tr("<b>QKOV Workbench %1</b><p>QK-OV interference analysis of transformer attention heads: "
                              "which heads do two tasks compete for?</p>").arg(QStringLiteral(QKOV_VERSION)));
    });
}

void MainWindow::updateActions()
{
    const bool hasResult = bool(m_document->result());
    const QString noResult = tr("Run an analysis first (F5)");
    for (QAction *a : {m_saveAction, m_saveAsAction, m_exportAction, m_reportAction}) {
        if (!a)
            continue;
        a->setEnabled(hasResult);
        a->setToolTip(hasResult ? QString() : noResult);
    }
    if (m_runAction) {
        m_runAction->setEnabled(m_document->canRunAnalysis());
        m_runAction->setToolTip(m_document->canRunAnalysis() ? QString() : tr("Open a model and load two tasks first"));
    }
}

void MainWindow::chooseModel()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open model"), Preferences::instance().lastOpenFolder(),
                                                      tr("Models (config.json *.safetensors *.bin);;All files (*)"));
    if (!path.isEmpty())
        openModel(path);
}

void MainWindow::openDemo()
{
    m_jobs->start<DemoInfo>(
        QStringLiteral("demo"), tr("Preparing the demo model"),
        [](JobContext &ctx) { return ensureDemo(demoFolder(), ctx); },
        [this](DemoInfo info) {
            if (info.trained)
                m_log->addMessage(tr("info"), tr("Trained the demo model in %1 s (held-out loss: %2 %3, %4 %5) into %6")
                                                  .arg(info.trainingSeconds, 0, 'f', 0)
                                                  .arg(info.taskAName).arg(info.taskALoss, 0, 'f', 3)
                                                  .arg(info.taskBName).arg(info.taskBLoss, 0, 'f', 3)
                                                  .arg(info.folder));
            m_pendingDemo = {info.folder, info.taskAPath, info.taskAName, info.taskBPath, info.taskBName};
            openModel(info.folder);
        },
        [this](const QString &message) { showError(tr("Could not prepare the demo model"), message); });
}

void MainWindow::chooseSession()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open session"), Preferences::instance().lastOpenFolder(),
                                                      tr("QKOV sessions (*.qkov);;All files (*)"));
    if (!path.isEmpty())
        openSession(path);
}

bool MainWindow::save()
{
    if (m_document->sessionPath().isEmpty() || m_document->sessionPath() == SessionController::recoveryPath())
        return saveAs();
    return saveSession(m_document->sessionPath());
}

bool MainWindow::saveAs()
{
    QString suggestion = m_document->sessionPath();
    if (suggestion.isEmpty() || suggestion == SessionController::recoveryPath())
        suggestion = QDir(Preferences::instance().lastOpenFolder()).filePath(QStringLiteral("analysis.qkov"));
    QString path = QFileDialog::getSaveFileName(this, tr("Save session"), suggestion, tr("QKOV sessions (*.qkov)"));
    if (path.isEmpty())
        return false;
    if (!path.endsWith(QLatin1String(".qkov")))
        path += QLatin1String(".qkov");
    return saveSession(path);
}

void MainWindow::exportFigure()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export figure"),
                                                      QDir(Preferences::instance().lastOpenFolder()).filePath(QStringLiteral("heatmap.pdf")),
                                                      tr("PDF (*.pdf);;SVG (*.svg);;PNG, 300 dpi (*.png)"));
    if (path.isEmpty())
        return;
    try {
        m_heatmaps->exportCurrent(path);
        statusBar()->showMessage(tr("Exported %1").arg(path), 5000);
    } catch (const Error &e) {
        showError(tr("Could not export the figure"), e.message());
    }
}

void MainWindow::exportReport()
{
    if (!m_document->result())
        return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export report"),
                                                      QDir(Preferences::instance().lastOpenFolder()).filePath(QStringLiteral("report.pdf")),
                                                      tr("PDF (*.pdf)"));
    if (path.isEmpty())
        return;
    try {
        qkov::exportReport(*m_document->result(), path);
        statusBar()->showMessage(tr("Exported %1").arg(path), 5000);
    } catch (const Error &e) {
        showError(tr("Could not export the report"), e.message());
    }
}

void MainWindow::updateRecentMenu()
{
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    const QStringList recent = Preferences::instance().recentModels();
    for (const QString &path : recent)
        m_recentMenu->addAction(path, this, [this, path] { openPath(path); });
    m_recentMenu->setEnabled(!recent.isEmpty());
    m_startPage->setRecentModels(recent);
}

QStringList MainWindow::writeScreenshots(const QString &dir)
{
    QDir().mkpath(dir);
    QStringList written;
    auto shot = [&](QWidget *w, const QString &name) {
        const QString path = QDir(dir).filePath(name + QStringLiteral(".png"));
        if (w->grab().save(path))
            written << path;
    };
    shot(this, QStringLiteral("window"));
    const int centre = m_centre->currentIndex();
    for (int i = 0; i < m_centre->count(); ++i) {
        m_centre->setCurrentIndex(i);
        shot(m_centre->widget(i), QStringLiteral("centre-%1").arg(m_centre->widget(i)->metaObject()->className()).remove(QStringLiteral("qkov::")));
    }
    m_centre->setCurrentIndex(centre);
    for (QDockWidget *dock : std::as_const(m_docks)) {
        dock->raise();
        shot(dock->widget(), dock->objectName());
    }
    return written;
}

} // namespace qkov
