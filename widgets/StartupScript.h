#pragma once
// What `qkov-workbench` does on start from its command line: open a model or
// session, load task files, run the analysis, and (for --screenshots) write
// PNGs of the window and every panel once everything has settled, then quit.
// Steps chain on the document's signals; nothing here blocks the event loop.
#include <QObject>
#include <QString>

namespace qkov {

class MainWindow;

struct StartupOptions
{
    QString path;            // model folder/file or .qkov session
    bool demo = false;       // open the embedded demo with its two tasks instead
    QString taskA, taskB;    // dataset files
    bool run = false;        // run the analysis once both tasks are ready
    QString screenshotDir;   // write screenshots there, then quit
    int permutations = -1;   // override for quick runs (-1 = settings default)
};

class StartupScript : public QObject
{
    Q_OBJECT
public:
    StartupScript(MainWindow *window, const StartupOptions &options);
    void start();

Q_SIGNALS:
    void finished(int exitCode);

private:
    void onModelReady();
    void maybeRun();
    void onResult();
    void takeScreenshots();

    MainWindow *m_window;
    StartupOptions m_options;
    bool m_ran = false;
};

} // namespace qkov
