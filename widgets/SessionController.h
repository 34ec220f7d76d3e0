#pragma once
// Saving and opening .qkov sessions for the window, and the recovery copy:
// every two minutes while there are unsaved changes, the session goes to a
// recovery file (atomically); a clean exit removes it; the next start offers
// it when it is still there (the previous run crashed or was killed).
#include <QObject>
#include <QString>
#include <memory>

class QTimer;
class QWidget;

namespace qkov {

struct AnalysisResult;
struct LoadedModel;
class WorkbenchDocument;

// What opening a session gives the window: the result and, if it could be
// opened, its model (loaded in the same job).
struct OpenedSession
{
    QString path;
    std::shared_ptr<AnalysisResult> result;
    std::shared_ptr<LoadedModel> model; // null when the model is gone
    QString modelProblem;               // why the model could not be opened
    QStringList changedInputs;          // model/task files that changed since the analysis
};

class SessionController : public QObject
{
    Q_OBJECT
public:
    SessionController(WorkbenchDocument *document, QWidget *window);

    // The document's result with the views' state, as a session (throws qkov::Error when there is no result).
    AnalysisResult snapshot() const;
    // Throws qkov::Error (message names the file); the document is marked saved.
    void save(const QString &path);
    // Loads in a job; emits opened() or failed().
    void open(const QString &path);
    // Applies an opened session to the document (model, tasks, result, freeze set, selection).
    void apply(const OpenedSession &session);

    static QString recoveryPath();
    bool hasRecovery() const;
    void writeRecovery();
    void removeRecovery();
    void setRecoveryInterval(int milliseconds);

Q_SIGNALS:
    void opened(const qkov::OpenedSession &session);
    void failed(const QString &message);

private:
    WorkbenchDocument *m_document;
    QWidget *m_window;
    QTimer *m_recoveryTimer;
};

} // namespace qkov

Q_DECLARE_METATYPE(qkov::OpenedSession)
