#pragma once
// The Tasks panel: task A above task B. Opening a dataset tokenizes it with
// the open model's tokenizer in a job ("task-a" / "task-b"; a newer load of
// the same slot supersedes the older one) and stores the summary in the
// document. Without a model a slot keeps the file and tokenizes it when a
// model arrives; changing max length or max samples re-tokenizes both.
#include <QWidget>

namespace qkov {

class TaskSlotView;
class WorkbenchDocument;

class TasksPanel : public QWidget
{
    Q_OBJECT
public:
    explicit TasksPanel(WorkbenchDocument *document, QWidget *parent = nullptr);

    // Sets slot `which` (WorkbenchDocument::TaskA / TaskB) to the file and
    // tokenizes it when a model is open. Errors land in the slot, inline.
    void openDataset(int which, const QString &path, const QString &name = {});
    // Shows a file dialog for slot `which`.
    void chooseDataset(int which);

    TaskSlotView *slotView(int which) const;

private:
    void tokenize(int which);
    void onJobFinished(quint64 id, int outcome);
    void refresh(int which);
    void onSettingsChanged();

    WorkbenchDocument *m_document;
    TaskSlotView *m_slots[2];
    quint64 m_jobs[2] = {0, 0};
    // The settings the slots were last tokenized with: only these two re-tokenize.
    int m_maxLength = -1, m_maxSamples = -1;
};

} // namespace qkov
