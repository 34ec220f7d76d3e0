#pragma once
// What the workbench is working on: the open model, the two tasks, the
// analysis settings and result, the freeze set, the selected head. Panels
// observe it through signals and change it through its setters (freeze-set
// edits go through QUndoCommands on its undo stack). Plain data from the
// core only: no LibTorch types here.
#include "freeze/FreezeSet.h"
#include "session/AnalysisResult.h"

#include <QObject>
#include <QStringList>
#include <memory>

class QUndoStack;

namespace qkov {

struct LoadedModel;
class JobRunner;

// A task slot (A or B) as the Tasks panel shows it.
struct TaskState
{
    QString name;                 // shown in titles and tables
    QString path;                 // dataset file, "" when none
    int records = 0;              // usable samples after tokenization
    qint64 tokens = 0;            // total tokens over the samples
    int minTokens = 0, maxTokens = 0;
    QStringList previews;         // first few samples' previews
    QStringList warnings;         // skipped records, by line
    QString error;                // the loader's message when the file was refused
    bool loading = false;
    bool isReady() const { return !path.isEmpty() && error.isEmpty() && records > 0 && !loading; }
};

class WorkbenchDocument : public QObject
{
    Q_OBJECT
public:
    explicit WorkbenchDocument(JobRunner *jobs, QObject *parent = nullptr);
    ~WorkbenchDocument() override;

    JobRunner *jobs() const { return m_jobs; }
    QUndoStack *undoStack() const { return m_undo; }

    std::shared_ptr<const LoadedModel> model() const { return m_model; }
    // A new model clears the result, the freeze set, the undo history and the selection.
    void setModel(std::shared_ptr<const LoadedModel> model);

    static constexpr int TaskA = 0;
    static constexpr int TaskB = 1;
    const TaskState &task(int which) const { return m_tasks[which == TaskB ? 1 : 0]; }
    void setTask(int which, const TaskState &state);

    const AnalysisSettings &settings() const { return m_settings; }
    void setSettings(const AnalysisSettings &settings);

    std::shared_ptr<const AnalysisResult> result() const { return m_result; }
    void setResult(std::shared_ptr<const AnalysisResult> result);

    const FreezeSet &freezeSet() const { return m_freeze; }
    // Used by the undo commands (and by session loading); emits freezeSetChanged.
    void setFreezeSet(const FreezeSet &set);

    int selectedLayer() const { return m_selectedLayer; }
    int selectedHead() const { return m_selectedHead; }
    void selectHead(int layer, int head);

    // The probe's prompt (shared by the Probe panel and the freezing grid's re-probes).
    QString probePrompt() const { return m_probePrompt; }
    void setProbePrompt(const QString &prompt);

    bool isModified() const { return m_modified; }
    void setModified(bool modified);
    // The session file this document was saved to or opened from ("" if none).
    QString sessionPath() const { return m_sessionPath; }
    void setSessionPath(const QString &path);

    // Ready to run: a model and two ready tasks.
    bool canRunAnalysis() const;

Q_SIGNALS:
    void modelChanged();
    void taskChanged(int which);
    void settingsChanged();
    void resultChanged();
    void freezeSetChanged();
    void selectedHeadChanged(int layer, int head);
    void probePromptChanged(const QString &prompt);
    void modifiedChanged(bool modified);
    void sessionPathChanged(const QString &path);

private:
    JobRunner *m_jobs;
    QUndoStack *m_undo;
    std::shared_ptr<const LoadedModel> m_model;
    TaskState m_tasks[2];
    AnalysisSettings m_settings;
    std::shared_ptr<const AnalysisResult> m_result;
    FreezeSet m_freeze;
    int m_selectedLayer = -1;
    int m_selectedHead = -1;
    QString m_probePrompt;
    bool m_modified = false;
    QString m_sessionPath;
};

} // namespace qkov
