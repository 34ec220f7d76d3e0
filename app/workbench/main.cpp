// qkov-workbench: the desktop workbench. Thin: the window lives in widgets/.
#include "MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("qkov-workbench"));
    QApplication::setOrganizationName(QStringLiteral("qkov"));
    QApplication::setApplicationVersion(QStringLiteral(QKOV_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/qkov/icons/qkov.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "QK-OV interference workbench"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("MODEL"),
                                 QApplication::translate("main", "A model folder, .safetensors file or llama2.c .bin to open."));
    parser.process(app);

    qkov::MainWindow window;
    window.show();
    if (!parser.positionalArguments().isEmpty())
        window.openModel(parser.positionalArguments().front());
    return app.exec();
}
