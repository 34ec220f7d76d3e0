#pragma once
// One task slot of the Tasks panel (A or B): its name, the dataset file, the
// counts, a preview of the first samples, skipped-record warnings and the
// loader's error. A view of the document's TaskState only: it asks for files
// (button or drag-and-drop) through signals and never loads anything itself.
#include <QGroupBox>

class QLabel;
class QLineEdit;
class QListWidget;
class QMimeData;
class QPushButton;

namespace qkov {

struct TaskState;

class TaskSlotView : public QGroupBox
{
    Q_OBJECT
public:
    TaskSlotView(int which, QWidget *parent = nullptr);

    // `hasModel`: without a model a dataset waits for one to be tokenized.
    // `limit`: the max-samples setting (0 = none), to say when reading stopped there.
    void showState(const TaskState &state, bool hasModel, int limit);

    QLineEdit *nameEdit() const { return m_name; }
    QPushButton *openButton() const { return m_open; }
    QLabel *fileLabel() const { return m_file; }
    QLabel *countsLabel() const { return m_counts; }
    QListWidget *previewList() const { return m_previews; }
    QLabel *warningsLabel() const { return m_warnings; }
    QLabel *errorLabel() const { return m_error; }

Q_SIGNALS:
    void openRequested(const QString &path); // a dropped file
    void browseRequested();                  // "Open dataset..."
    void nameEdited(const QString &name);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void updateColours();

    QLineEdit *m_name;
    QPushButton *m_open;
    QLabel *m_file;
    QLabel *m_counts;
    QListWidget *m_previews;
    QLabel *m_warnings;
    QLabel *m_error;
};

// A local file dropped or pasted as a URL list: its path, or "" when the
// data holds no single local file.
QString droppedFilePath(const QMimeData *mime);

} // namespace qkov
