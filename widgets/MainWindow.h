#pragma once
// The workbench window: menus, docks and the centre pages. It wires panels to
// the core; it computes nothing itself (work runs as jobs on worker threads).
#include <QMainWindow>
#include <memory>

class QLabel;
class QProgressBar;
class QStackedWidget;
class QToolButton;
class QMenu;
class QDockWidget;

namespace qkov {

struct LoadedModel;
class JobRunner;
class ModelDock;
class ModelOverview;
class StartPage;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Loads a model in a worker thread; the window stays responsive.
    void openModel(const QString &path);
    const LoadedModel *model() const { return m_model.get(); }
    JobRunner *jobs() const { return m_jobs; }
    ModelDock *modelDock() const { return m_modelDock; }
    ModelOverview *overview() const { return m_overview; }
    QString lastError() const { return m_lastError; }

Q_SIGNALS:
    void modelLoaded();
    void errorShown(const QString &message);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createDocks();
    void showError(const QString &title, const QString &message);
    void setModel(LoadedModel model);
    void updateRecentMenu();
    void chooseModel();
    void updateTitle();

    JobRunner *m_jobs;
    std::unique_ptr<LoadedModel> m_model;
    QStackedWidget *m_pages;
    StartPage *m_startPage;
    ModelOverview *m_overview;
    ModelDock *m_modelDock;
    QDockWidget *m_modelDockWidget;
    QMenu *m_recentMenu = nullptr;
    QLabel *m_statusModel;
    QLabel *m_statusJob;
    QProgressBar *m_progress;
    QToolButton *m_cancel;
    quint64 m_loadJob = 0;
    QString m_lastError;
};

} // namespace qkov
