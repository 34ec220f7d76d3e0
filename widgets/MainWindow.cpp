#include "MainWindow.h"

#include "AnalysisRunner.h"
#include "AnalysisSettingsPanel.h"
#include "ConflictsPanel.h"
#include "FreezingPanel.h"
#include "HeatmapsPanel.h"
#include "JobsPanel.h"
#include "LogPanel.h"
#include "ModelDock.h"
#include "ModelOverview.h"
#include "Preferences.h"
#include "ProbePanel.h"
#include "SessionController.h"
#include "StartPage.h"
#include "TasksPanel.h"
#include "WorkbenchDocument.h"
#include "Error.h"
#include "jobs/JobRunner.h"
#include "model/ModelLoader.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QMimeData>
#include <QScrollArea>

#include <utility>
#include <QProgressBar>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QThread>
#include <QToolButton>
#include <QUndoStack>

// Resources of a static library must be registered by hand (the linker may drop them).
static void initWorkbenchResources()
{
    Q_INIT_RESOURCE(resources);
}

namespace qkov {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_jobs(new JobRunner(this)), m_document(new WorkbenchDocument(m_jobs, this)),
      m_sessions(new SessionController(m_document, this)), m_runner(new AnalysisRunner(m_document, this)),
      m_pages(new QStackedWidget(this)), m_startPage(new StartPage(this)), m_centre(new QTabWidget(this)),
      m_statusModel(new QLabel(this)), m_statusJob(new QLabel(this)), m_progress(new QProgressBar(this)),
      m_cancel(new QToolButton(this))
{
    initWorkbenchResources();
    setObjectName(QStringLiteral("MainWindow"));
    setWindowIcon(QIcon(QStringLiteral(":/qkov/icons/qkov.svg")));
    setAcceptDrops(true);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks | QMainWindow::AllowNestedDocks);

    createPanels();
    m_pages->addWidget(m_startPage);
    m_pages->addWidget(m_centre);
    setCentralWidget(m_pages);
    createDocks();
    createActions();
    connectDocument();

    m_statusModel->setText(tr("No model"));
    m_progress->setMaximumWidth(180);
    m_progress->hide();
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Cancel the running job (Esc)"));
    m_cancel->hide();
    statusBar()->addWidget(m_statusModel, 1);
    statusBar()->addPermanentWidget(m_statusJob);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
    connect(m_cancel, &QToolButton::clicked, this, [this] {
        for (const JobInfo &job : m_jobs->runningJobs())
            m_jobs->cancel(job.id);
    });
    // The status bar follows whichever job runs; the Jobs panel lists them all.
    connect(m_jobs, &JobRunner::jobStarted, this, [this](const JobInfo &job) {
        m_statusJob->setText(job.title);
        m_progress->setRange(0, 0);
        m_progress->show();
        m_cancel->show();
    });
    connect(m_jobs, &JobRunner::jobProgress, this, [this](quint64, const JobProgress &p) {
        m_statusJob->setText(p.stage);
        if (p.fraction >= 0) {
            m_progress->setRange(0, 1000);
            m_progress->setValue(int(p.fraction * 1000));
        }
    });
    connect(m_jobs, &JobRunner::jobFinished, this, [this] {
        if (m_jobs->runningCount() > 0)
            return;
        m_progress->hide();
        m_cancel->hide();
        m_statusJob->clear();
    });
    connect(m_startPage, &StartPage::openModelRequested, this, &MainWindow::chooseModel);
    connect(m_startPage, &StartPage::openRecentRequested, this, &MainWindow::openPath);
    connect(m_startPage, &StartPage::openSessionRequested, this, &MainWindow::chooseSession);
    connect(m_startPage, &StartPage::openDemoRequested, this, &MainWindow::openDemo);
    connect(m_sessions, &SessionController::opened, this, &MainWindow::applySession);
    connect(m_sessions, &SessionController::failed, this, [this](const QString &m) { showError(tr("Could not open session"), m); });

    m_startPage->setRecentModels(Preferences::instance().recentModels());
    resize(1440, 900);
    restoreGeometry(Preferences::instance().windowGeometry());
    restoreState(Preferences::instance().windowState());
    updateTitle();
    updateActions();
    QMetaObject::invokeMethod(this, &MainWindow::offerRecovery, Qt::QueuedConnection);
}

MainWindow::~MainWindow() = default;

const LoadedModel *MainWindow::model() const
{
    return m_document->model().get();
}

void MainWindow::createPanels()
{
    m_overview = new ModelOverview(this);
    m_modelDock = new ModelDock(this);
    m_tasks = new TasksPanel(m_document, this);
    m_settings = new AnalysisSettingsPanel(m_document, this);
    m_heatmaps = new HeatmapsPanel(m_document, this);
    m_conflicts = new ConflictsPanel(m_document, this);
    m_freezing = new FreezingPanel(m_document, this);
    m_probe = new ProbePanel(m_document, this);
    m_jobsPanel = new JobsPanel(m_jobs, this);
    m_log = new LogPanel(this);
    m_centre->addTab(m_heatmaps, tr("Heatmaps"));
    m_centre->addTab(m_overview, tr("Model overview"));
    m_centre->setDocumentMode(true);
    // A table that shows a handful of rows even before the user resizes the docks.
    m_conflicts->setMinimumHeight(140);
}

QDockWidget *MainWindow::addPanelDock(const QString &title, const QString &name, QWidget *panel, Qt::DockWidgetArea area)
{
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(name); // saveState/restoreState key
    if (panel == m_probe) {
        // The tall probe scrolls instead of imposing their height on the window,
        // which must fit a 768-pixel screen.
        auto *scroll = new QScrollArea(dock);
        scroll->setWidget(panel);
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        scroll->setObjectName(name + QStringLiteral("Scroll"));
        dock->setWidget(scroll);
    } else {
        dock->setWidget(panel);
    }
    addDockWidget(area, dock);
    m_docks << dock;
    return dock;
}

void MainWindow::createDocks()
{
    // GUI.md's default layout; every dock is movable and the layout is saved.
    QDockWidget *model = addPanelDock(tr("Model"), QStringLiteral("ModelDock"), m_modelDock, Qt::LeftDockWidgetArea);
    QDockWidget *tasks = addPanelDock(tr("Tasks"), QStringLiteral("TasksDock"), m_tasks, Qt::LeftDockWidgetArea);
    QDockWidget *settings = addPanelDock(tr("Analysis"), QStringLiteral("AnalysisDock"), m_settings, Qt::LeftDockWidgetArea);
    splitDockWidget(model, tasks, Qt::Vertical);
    tabifyDockWidget(tasks, settings);
    tasks->raise();
    QDockWidget *freezing = addPanelDock(tr("Freezing"), QStringLiteral("FreezingDock"), m_freezing, Qt::RightDockWidgetArea);
    QDockWidget *probe = addPanelDock(tr("Probe"), QStringLiteral("ProbeDock"), m_probe, Qt::RightDockWidgetArea);
    splitDockWidget(freezing, probe, Qt::Vertical);
    QDockWidget *conflicts = addPanelDock(tr("Conflicts"), QStringLiteral("ConflictsDock"), m_conflicts, Qt::BottomDockWidgetArea);
    QDockWidget *jobs = addPanelDock(tr("Jobs"), QStringLiteral("JobsDock"), m_jobsPanel, Qt::BottomDockWidgetArea);
    QDockWidget *log = addPanelDock(tr("Log"), QStringLiteral("LogDock"), m_log, Qt::BottomDockWidgetArea);
    tabifyDockWidget(conflicts, jobs);
    tabifyDockWidget(jobs, log);
    conflicts->raise();
    // Sizes apply once the window has its geometry (and only when no saved layout is restored).
    // The probe gets the height; the grid needs little.
    QMetaObject::invokeMethod(this, [this, model, freezing, probe, conflicts] {
        if (!Preferences::instance().windowState().isEmpty())
            return;
        resizeDocks({model, freezing}, {430, 560}, Qt::Horizontal);
        resizeDocks({freezing, probe}, {190, 700}, Qt::Vertical);
        resizeDocks({conflicts}, {200}, Qt::Vertical);
    }, Qt::QueuedConnection);
}

void MainWindow::connectDocument()
{
    connect(m_document, &WorkbenchDocument::modifiedChanged, this, &MainWindow::updateTitle);
    connect(m_document, &WorkbenchDocument::sessionPathChanged, this, &MainWindow::updateTitle);
    connect(m_document, &WorkbenchDocument::freezeSetChanged, this, [this] {
        updateTitle();
        updateStatus();
    });
    connect(m_document, &WorkbenchDocument::resultChanged, this, [this] {
        updateActions();
        if (const auto r = m_document->result()) {
            m_centre->setCurrentWidget(m_heatmaps);
            for (const QString &w : r->warnings)
                m_log->addMessage(tr("warning"), w);
        }
    });
    connect(m_document, &WorkbenchDocument::taskChanged, this, [this](int which) {
        const TaskState &t = m_document->task(which);
        if (!t.error.isEmpty())
            m_log->addMessage(tr("error"), t.error);
        for (const QString &w : t.warnings)
            m_log->addMessage(tr("warning"), w);
        updateActions();
    });
    connect(m_document, &WorkbenchDocument::modelChanged, this, &MainWindow::updateActions);
    connect(m_heatmaps, &HeatmapsPanel::freezeToggleRequested, m_freezing, &FreezingPanel::toggle);
    connect(m_settings, &AnalysisSettingsPanel::runRequested, m_runner, [this] { m_runner->start(); });
    connect(m_runner, &AnalysisRunner::runningChanged, m_settings, &AnalysisSettingsPanel::setAnalysisRunning);
    connect(m_runner, &AnalysisRunner::runningChanged, this, &MainWindow::updateActions);
    connect(m_runner, &AnalysisRunner::failed, this, [this](const QString &m) { showError(tr("The analysis failed"), m); });
}

void MainWindow::openPath(const QString &path)
{
    if (path.endsWith(QLatin1String(".qkov"), Qt::CaseInsensitive))
        openSession(path);
    else
        openModel(path);
}

void MainWindow::openModel(const QString &path)
{
    m_jobs->start<std::shared_ptr<LoadedModel>>(
        QStringLiteral("load-model"), tr("Loading %1").arg(QFileInfo(path).fileName()),
        [path](JobContext &ctx) {
            ctx.setStage(MainWindow::tr("Reading %1").arg(QFileInfo(path).fileName()));
            auto model = std::make_shared<LoadedModel>(loadModel(path));
            ctx.checkCancelled();
            return model;
        },
        [this](std::shared_ptr<LoadedModel> model) { setModel(std::move(model)); },
        [this, path](const QString &message) {
            showError(tr("Could not open model"), message);
            if (!QFileInfo::exists(path)) {
                Preferences::instance().removeRecentModel(path);
                updateRecentMenu();
            }
        });
}

void MainWindow::setModel(std::shared_ptr<LoadedModel> model)
{
    const LoadedModel &m = *model;
    m_modelDock->showModel(m);
    m_overview->showModel(m);
    m_document->setModel(model);
    m_pages->setCurrentWidget(m_centre);
    if (!m_document->result())
        m_centre->setCurrentWidget(m_heatmaps);
    const QString absolute = QFileInfo(m.path).absoluteFilePath();
    Preferences::instance().addRecentModel(absolute);
    Preferences::instance().setLastOpenFolder(QFileInfo(absolute).absolutePath());
    updateRecentMenu();
    updateStatus();
    updateTitle();
    const PendingDemoTasks demo = std::exchange(m_pendingDemo, {});
    if (!demo.folder.isEmpty() && QFileInfo(m.path) == QFileInfo(demo.folder)) {
        m_tasks->openDataset(WorkbenchDocument::TaskA, demo.pathA, demo.nameA);
        m_tasks->openDataset(WorkbenchDocument::TaskB, demo.pathB, demo.nameB);
        // The default prompt is English prose the demo's alphabet cannot spell;
        // a held-out "repeat" record shows the induction heads at work.
        QFile firstRecord(demo.pathA);
        if (firstRecord.open(QIODevice::ReadOnly | QIODevice::Text)) {
            const QString prompt = QString::fromUtf8(firstRecord.readLine()).trimmed();
            if (!prompt.isEmpty())
                m_document->setProbePrompt(prompt);
        }
    }
    Q_EMIT modelLoaded();
}

void MainWindow::openSession(const QString &path)
{
    if (!maybeSave())
        return;
    m_sessions->open(path);
}

void MainWindow::applySession(const OpenedSession &session)
{
    if (session.model) {
        m_modelDock->showModel(*session.model);
        m_overview->showModel(*session.model);
    } else {
        m_modelDock->clear();
    }
    m_sessions->apply(session);
    m_pages->setCurrentWidget(m_centre);
    m_centre->setCurrentWidget(m_heatmaps);
    if (!session.modelProblem.isEmpty())
        m_log->addMessage(tr("warning"), tr("The session's model could not be opened (%1); the results show, freezing and probing need the model.")
                                             .arg(session.modelProblem));
    for (const QString &change : session.changedInputs)
        m_log->addMessage(tr("warning"), change);
    Preferences::instance().addRecentModel(session.path);
    updateRecentMenu();
    updateStatus();
    updateTitle();
    Q_EMIT sessionOpened();
}

bool MainWindow::saveSession(const QString &path)
{
    try {
        m_sessions->save(path);
    } catch (const Error &e) {
        showError(tr("Could not save the session"), e.message());
        return false;
    }
    statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
    return true;
}

void MainWindow::updateStatus()
{
    const LoadedModel *m = model();
    if (!m) {
        m_statusModel->setText(tr("No model"));
        return;
    }
    const ModelStructure &s = m->structure;
    const int frozen = int(m_document->freezeSet().entries.size());
    m_statusModel->setText(tr("%1 - %2 layers x %3 heads, %4 KV heads, %5 parameters, %6 - %7 threads%8")
                               .arg(s.architecture).arg(s.numLayers).arg(s.numHeads).arg(s.numKvHeads)
                               .arg(QLocale().toString(qlonglong(m->parameterCount)), m->storageDtype)
                               .arg(QThread::idealThreadCount())
                               .arg(frozen ? tr(" - %n head(s) frozen", nullptr, frozen) : QString()));
}

void MainWindow::updateTitle()
{
    QString name = tr("QKOV Workbench");
    if (!m_document->sessionPath().isEmpty())
        name = QFileInfo(m_document->sessionPath()).fileName();
    else if (model())
        name = QFileInfo(model()->path).fileName();
    const int frozen = int(m_document->freezeSet().entries.size());
    const QString frozenText = frozen ? tr(" (%n frozen)", nullptr, frozen) : QString();
    setWindowTitle(name + QStringLiteral("[*]") + frozenText + (name == tr("QKOV Workbench") ? QString() : tr(" - QKOV Workbench")));
    setWindowModified(m_document->isModified() && m_document->result());
}

void MainWindow::showError(const QString &title, const QString &message)
{
    m_lastError = message;
    m_log->addMessage(tr("error"), message);
    statusBar()->showMessage(message, 10000);
    // Window-modal and non-blocking: the event loop (and running jobs) go on.
    auto *box = new QMessageBox(QMessageBox::Critical, title, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("ErrorDialog"));
    box->open();
    Q_EMIT errorShown(message);
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls() && event->mimeData()->urls().size() == 1 && event->mimeData()->urls().front().isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QString path = event->mimeData()->urls().front().toLocalFile();
    event->acceptProposedAction();
    openPath(path);
}

bool MainWindow::maybeSave()
{
    if (!m_document->isModified() || !m_document->result())
        return true;
    const auto answer = QMessageBox::question(this, tr("Unsaved analysis"),
                                              tr("The current analysis has unsaved changes. Save them first?"),
                                              QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Cancel)
        return false;
    return answer == QMessageBox::Discard || save();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    Preferences::instance().setWindowGeometry(saveGeometry());
    Preferences::instance().setWindowState(saveState());
    m_jobs->cancelAll();
    m_sessions->removeRecovery(); // a clean exit: nothing to recover
    event->accept();
}

void MainWindow::offerRecovery()
{
    if (!m_sessions->hasRecovery())
        return;
    const QString path = SessionController::recoveryPath();
    auto *box = new QMessageBox(QMessageBox::Question, tr("Recover the last session?"),
                                tr("QKOV Workbench did not close cleanly last time. A recovery copy of the analysis "
                                   "from then is available. Open it?"),
                                QMessageBox::Open | QMessageBox::Discard, this);
    box->setObjectName(QStringLiteral("RecoveryDialog"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, path] {
        if (box->clickedButton() == box->button(QMessageBox::Open))
            m_sessions->open(path);
        else
            m_sessions->removeRecovery();
    });
    box->open();
}

} // namespace qkov
