// qkov: the headless command line. Thin: everything lives in core/cli.
#include "cli/Cli.h"

#include <QCoreApplication>
#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("qkov"));
    QCoreApplication::setOrganizationName(QStringLiteral("qkov"));
    QCoreApplication::setApplicationVersion(QStringLiteral(QKOV_VERSION));
    QTextStream out(stdout);
    QTextStream err(stderr);
    return qkov::cli::run(QCoreApplication::arguments(), {out, err});
}
