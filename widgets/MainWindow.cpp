#include "MainWindow.h"

#include "ModelDock.h"
#include "ModelOverview.h"
#include "Preferences.h"
#include "StartPage.h"
#include "jobs/JobRunner.h"
#include "model/ModelLoader.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QStackedWidget>
#include <QStatusBar>
#include <QThread>
#include <QToolButton>

namespace qkov {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_jobs(new JobRunner(this)), m_pages(new QStackedWidget(this)),
      m_startPage(new StartPage(this)), m_overview(new ModelOverview(this)), m_modelDock(new ModelDock(this)),
      m_statusModel(new QLabel(this)), m_statusJob(new QLabel(this)), m_progress(new QProgressBar(this)),
      m_cancel(new QToolButton(this))
{
    setObjectName(QStringLiteral("MainWindow"));
    setWindowIcon(QIcon(QStringLiteral(":/qkov/icons/qkov.svg")));
    setAcceptDrops(true);
    m_pages->addWidget(m_startPage);
    m_pages->addWidget(m_overview);
    setCentralWidget(m_pages);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks | QMainWindow::AllowNestedDocks);

    createDocks();
    createActions();

    m_statusModel->setText(tr("No model"));
    m_progress->setMaximumWidth(180);
    m_progress->setRange(0, 0);
    m_progress->hide();
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Cancel the running job (Esc)"));
    m_cancel->hide();
    statusBar()->addWidget(m_statusModel, 1);
    statusBar()->addPermanentWidget(m_statusJob);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
    connect(m_cancel, &QToolButton::clicked, this, [this] { m_jobs->cancel(m_loadJob); });

    connect(m_jobs, &JobRunner::jobProgress, this, [this](quint64 id, const JobProgress &p) {
        if (id != m_loadJob)
            return;
        m_statusJob->setText(p.stage);
        if (p.fraction >= 0) {
            m_progress->setRange(0, 1000);
            m_progress->setValue(int(p.fraction * 1000));
        }
    });
    connect(m_jobs, &JobRunner::jobFinished, this, [this](quint64 id, JobOutcome, const QString &) {
        if (id != m_loadJob)
            return;
        m_progress->hide();
        m_cancel->hide();
        m_statusJob->clear();
    });
    connect(m_startPage, &StartPage::openModelRequested, this, &MainWindow::chooseModel);
    connect(m_startPage, &StartPage::openRecentRequested, this, &MainWindow::openModel);

    m_startPage->setRecentModels(Preferences::instance().recentModels());
    resize(1280, 800);
    restoreGeometry(Preferences::instance().windowGeometry());
    restoreState(Preferences::instance().windowState());
    updateTitle();
}

MainWindow::~MainWindow() = default;

void MainWindow::createDocks()
{
    m_modelDockWidget = new QDockWidget(tr("Model"), this);
    m_modelDockWidget->setObjectName(QStringLiteral("ModelDock"));
    m_modelDockWidget->setWidget(m_modelDock);
    m_modelDockWidget->setMinimumWidth(560);
    addDockWidget(Qt::LeftDockWidgetArea, m_modelDockWidget);
}

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
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    updateRecentMenu();
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_modelDockWidget->toggleViewAction());

    QAction *cancel = new QAction(tr("Cancel Job"), this);
    cancel->setShortcut(Qt::Key_Escape);
    connect(cancel, &QAction::triggered, this, [this] {
        if (m_loadJob)
            m_jobs->cancel(m_loadJob);
    });
    addAction(cancel);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About QKOV Workbench"), this, [this] {
        QMessageBox::about(this, tr("About QKOV Workbench"),
                           tr("<b>QKOV Workbench %1</b><p>QK-OV interference analysis of transformer attention heads.</p>")
                               .arg(QStringLiteral(QKOV_VERSION)));
    });
}

void MainWindow::chooseModel()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open model"), Preferences::instance().lastOpenFolder(),
        tr("Models (config.json *.safetensors *.bin);;All files (*)"));
    if (!path.isEmpty())
        openModel(path);
}

void MainWindow::openModel(const QString &path)
{
    const QString title = tr("Loading %1").arg(QFileInfo(path).fileName());
    m_statusJob->setText(title);
    m_progress->setRange(0, 0);
    m_progress->show();
    m_cancel->show();
    m_loadJob = m_jobs->start<LoadedModel>(
        QStringLiteral("load-model"), title,
        [path](JobContext &ctx) {
            ctx.setStage(QObject::tr("Reading %1").arg(QFileInfo(path).fileName()));
            LoadedModel model = loadModel(path);
            ctx.checkCancelled();
            return model;
        },
        [this](LoadedModel model) { setModel(std::move(model)); },
        [this, path](const QString &message) {
            showError(tr("Could not open model"), message);
            if (!QFileInfo::exists(path)) {
                Preferences::instance().removeRecentModel(path);
                updateRecentMenu();
            }
        });
}

void MainWindow::setModel(LoadedModel model)
{
    m_model = std::make_unique<LoadedModel>(std::move(model));
    const LoadedModel &m = *m_model;
    m_modelDock->showModel(m);
    m_overview->showModel(m);
    m_pages->setCurrentWidget(m_overview);
    const ModelStructure &s = m.structure;
    m_statusModel->setText(tr("%1 - %2 layers x %3 heads, %4 KV heads, %5 parameters, %6 - %7 threads")
                               .arg(s.architecture).arg(s.numLayers).arg(s.numHeads).arg(s.numKvHeads)
                               .arg(QLocale().toString(qlonglong(m.parameterCount)), m.storageDtype)
                               .arg(QThread::idealThreadCount()));
    const QString absolute = QFileInfo(m.path).absoluteFilePath();
    Preferences::instance().addRecentModel(absolute);
    Preferences::instance().setLastOpenFolder(QFileInfo(absolute).absolutePath());
    updateRecentMenu();
    updateTitle();
    Q_EMIT modelLoaded();
}

void MainWindow::updateRecentMenu()
{
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    const QStringList recent = Preferences::instance().recentModels();
    for (const QString &path : recent)
        m_recentMenu->addAction(path, this, [this, path] { openModel(path); });
    m_recentMenu->setEnabled(!recent.isEmpty());
    m_startPage->setRecentModels(recent);
}

void MainWindow::updateTitle()
{
    setWindowTitle(m_model ? tr("%1 - QKOV Workbench").arg(QFileInfo(m_model->path).fileName()) : tr("QKOV Workbench"));
}

void MainWindow::showError(const QString &title, const QString &message)
{
    m_lastError = message;
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
    openModel(path);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    Preferences::instance().setWindowGeometry(saveGeometry());
    Preferences::instance().setWindowState(saveState());
    m_jobs->cancelAll();
    event->accept();
}

} // namespace qkov
