// qkov-workbench: the desktop workbench. Thin: the window lives in widgets/.
#include "MainWindow.h"
#include "Preferences.h"
#include "StartupScript.h"
#include "UiTranslations.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("qkov-workbench"));
    QApplication::setOrganizationName(QStringLiteral("qkov"));
    QApplication::setApplicationVersion(QStringLiteral(QKOV_VERSION));
    // Before any text is made (the options' help included): Preferences > Language.
    qkov::installUiTranslators(qkov::Preferences::instance().language());

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "QK-OV interference workbench"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption taskA(QStringLiteral("task-a"), QApplication::translate("main", "Dataset file of task A."), QStringLiteral("FILE"));
    const QCommandLineOption taskB(QStringLiteral("task-b"), QApplication::translate("main", "Dataset file of task B."), QStringLiteral("FILE"));
    const QCommandLineOption run(QStringLiteral("run"), QApplication::translate("main", "Run the analysis once both tasks are loaded."));
    const QCommandLineOption permutations(QStringLiteral("permutations"),
                                          QApplication::translate("main", "Permutations (and bootstrap resamples) for this run."), QStringLiteral("N"));
    const QCommandLineOption screenshots(QStringLiteral("screenshots"),
                                         QApplication::translate("main", "Write PNGs of the window and every panel into DIR, then quit."),
                                         QStringLiteral("DIR"));
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QApplication::translate("main", "Open the embedded demo model with its two tasks (trained on first use)."));
    parser.addOptions({demo, taskA, taskB, run, permutations, screenshots});
    parser.addPositionalArgument(QStringLiteral("PATH"),
                                 QApplication::translate("main", "A model (folder, .safetensors, llama2.c .bin) or a .qkov session."));
    parser.process(app);

    if (parser.isSet(screenshots)) {
        // Screenshots show the default layout, not the user's saved one.
        qkov::Preferences::instance().setWindowGeometry({});
        qkov::Preferences::instance().setWindowState({});
    }
    qkov::MainWindow window;
    window.show();
    qkov::StartupOptions options;
    options.path = parser.positionalArguments().value(0);
    options.demo = parser.isSet(demo);
    options.taskA = parser.value(taskA);
    options.taskB = parser.value(taskB);
    options.run = parser.isSet(run);
    options.screenshotDir = parser.value(screenshots);
    options.permutations = parser.isSet(permutations) ? parser.value(permutations).toInt() : -1;
    auto *script = new qkov::StartupScript(&window, options);
    if (!options.screenshotDir.isEmpty())
        QObject::connect(script, &qkov::StartupScript::finished, &app, [](int code) { QApplication::exit(code); });
    script->start();
    return app.exec();
}
