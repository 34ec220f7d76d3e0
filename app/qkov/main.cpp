// qkov: the headless command line. Thin: commands live in core/cli; figures
// (for --pdf) come from the widgets library, rendered offscreen.
#include "cli/Cli.h"
#include "cli/FigureHook.h"

#ifdef QKOV_WITH_FIGURES
#include "FigureExport.h"

#include <QApplication>
#endif
#include <QCoreApplication>
#include <memory>

int main(int argc, char *argv[])
{
    // Only figure export needs a GUI application (QCustomPlot is a widget);
    // everything else runs on a plain QCoreApplication, display or not.
    bool needsFigures = false;
    for (int i = 1; i < argc; ++i)
        needsFigures |= qstrcmp(argv[i], "--pdf") == 0 || qstrncmp(argv[i], "--pdf=", 6) == 0;
    std::unique_ptr<QCoreApplication> app;
#ifdef QKOV_WITH_FIGURES
    if (needsFigures) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        app = std::make_unique<QApplication>(argc, argv);
        qkov::cli::setFigureExporter(qkov::exportAnalysisFigures);
    }
#endif
    if (!app)
        app = std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("qkov"));
    QCoreApplication::setOrganizationName(QStringLiteral("qkov"));
    QCoreApplication::setApplicationVersion(QStringLiteral(QKOV_VERSION));
    QTextStream out(stdout);
    QTextStream err(stderr);
    return qkov::cli::run(QCoreApplication::arguments(), {out, err});
}
