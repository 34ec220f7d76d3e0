#pragma once
// The workbench window: docks, menus and the centre pages. It wires panels
// to the shared WorkbenchDocument; it computes nothing itself (work runs as
// jobs on worker threads).
#include <QMainWindow>
#include <memory>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;
class QStackedWidget;
class QTabWidget;
class QToolButton;

namespace qkov {

struct LoadedModel;
struct OpenedSession;
class AnalysisRunner;
class AnalysisSettingsPanel;
class ConflictsPanel;
class FreezingPanel;
class HeatmapsPanel;
class JobRunner;
class JobsPanel;
class LogPanel;
class ModelDock;
class ModelOverview;
class ProbePanel;
class SessionController;
class StartPage;
class TasksPanel;
class WorkbenchDocument;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Loads a model in a worker thread; the window stays responsive.
    void openModel(const QString &path);
    // Opens a model, a .qkov session or a dataset-less path by its kind.
    void openPath(const QString &path);
    void openSession(const QString &path);
    // Opens the embedded demo (docs/DEMO.md) with its two tasks loaded,
    // training it first in a job when it is missing or outdated.
    void openDemo();
    bool saveSession(const QString &path); // false (with a dialog) on failure

    const LoadedModel *model() const;
    JobRunner *jobs() const { return m_jobs; }
    WorkbenchDocument *document() const { return m_document; }
    SessionController *sessions() const { return m_sessions; }
    ModelDock *modelDock() const { return m_modelDock; }
    ModelOverview *overview() const { return m_overview; }
    TasksPanel *tasksPanel() const { return m_tasks; }
    AnalysisSettingsPanel *settingsPanel() const { return m_settings; }
    AnalysisRunner *analysisRunner() const { return m_runner; }
    HeatmapsPanel *heatmapsPanel() const { return m_heatmaps; }
    ConflictsPanel *conflictsPanel() const { return m_conflicts; }
    FreezingPanel *freezingPanel() const { return m_freezing; }
    ProbePanel *probePanel() const { return m_probe; }
    JobsPanel *jobsPanel() const { return m_jobsPanel; }
    LogPanel *logPanel() const { return m_log; }
    QString lastError() const { return m_lastError; }
    // Writes a PNG of the window and of every panel into `dir` (--screenshots).
    QStringList writeScreenshots(const QString &dir);

Q_SIGNALS:
    void modelLoaded();
    void sessionOpened();
    void errorShown(const QString &message);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void createPanels();
    void createDocks();
    void createActions();          // MainWindowActions.cpp
    void connectDocument();
    QDockWidget *addPanelDock(const QString &title, const QString &name, QWidget *panel, Qt::DockWidgetArea area);
    void showError(const QString &title, const QString &message);
    void setModel(std::shared_ptr<LoadedModel> model);
    void applySession(const OpenedSession &session);
    void updateRecentMenu();
    void chooseModel();
    void chooseSession();
    bool save();
    bool saveAs();
    void exportFigure();
    void exportReport();
    void updateTitle();
    void updateStatus();
    void updateActions();
    bool maybeSave();              // asks about unsaved changes; false = cancel
    void offerRecovery();

    JobRunner *m_jobs;
    WorkbenchDocument *m_document;
    SessionController *m_sessions;
    AnalysisRunner *m_runner;
    QStackedWidget *m_pages;
    StartPage *m_startPage;
    QTabWidget *m_centre;
    ModelOverview *m_overview;
    ModelDock *m_modelDock;
    TasksPanel *m_tasks;
    AnalysisSettingsPanel *m_settings;
    HeatmapsPanel *m_heatmaps;
    ConflictsPanel *m_conflicts;
    FreezingPanel *m_freezing;
    ProbePanel *m_probe;
    JobsPanel *m_jobsPanel;
    LogPanel *m_log;
    QList<QDockWidget *> m_docks;
    QMenu *m_recentMenu = nullptr;
    QMenu *m_viewMenu = nullptr;
    QAction *m_saveAction = nullptr;
    QAction *m_saveAsAction = nullptr;
    QAction *m_exportAction = nullptr;
    QAction *m_reportAction = nullptr;
    QAction *m_runAction = nullptr;
    QAction *m_cancelAction = nullptr;
    QLabel *m_statusModel;
    QLabel *m_statusJob;
    QProgressBar *m_progress;
    QToolButton *m_cancel;
    QString m_lastError;
    // The demo's task files, loaded once its model (folder) has opened.
    struct PendingDemoTasks
    {
        QString folder, pathA, nameA, pathB, nameB;
    } m_pendingDemo;
};

} // namespace qkov
