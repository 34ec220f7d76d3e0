#include "Cli.h"

#include "../Error.h"
#include "Command.h"
#include "Translate.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <exception>

namespace qkov::cli {

namespace {

void printGeneralHelp(QTextStream &out)
{
    out << tr("Usage: qkov <command> [options]") << "\n\n"
        << tr("QK-OV interference analysis of transformer attention heads, headless.") << "\n\n"
        << tr("Commands:") << "\n";
    for (const Command &c : commands())
        out << "  " << c.synopsis.leftJustified(58) << " " << c.description << "\n";
    out << "\n" << tr("Options:") << "\n"
        << "  --help       " << tr("show this help, or a command's help: qkov <command> --help") << "\n"
        << "  --version    " << tr("show the version") << "\n"
        << "\n" << tr("Exit codes: 0 success, 1 user error (bad file or flag value), 2 bad command line.") << "\n";
    out.flush();
}

const Command *findCommand(const QString &name)
{
    for (const Command &c : commands())
        if (c.name == name)
            return &c;
    return nullptr;
}

} // namespace

int usageError(Io io, const QString &command, const QString &message)
{
    io.err << "qkov" << (command.isEmpty() ? QString() : QStringLiteral(" ") + command) << ": " << message
           << " " << tr("(see 'qkov %1--help')").arg(command.isEmpty() ? QString() : command + QStringLiteral(" "))
           << "\n";
    io.err.flush();
    return UsageError;
}

void printJson(Io io, const QJsonObject &object)
{
    io.out << QJsonDocument(object).toJson(QJsonDocument::Indented);
    io.out.flush();
}

int run(const QStringList &arguments, Io io)
{
    const QStringList args = arguments.mid(1);
    if (args.isEmpty() || args.front() == QLatin1String("--help") || args.front() == QLatin1String("-h")
        || args.front() == QLatin1String("help")) {
        printGeneralHelp(io.out);
        return args.isEmpty() ? UsageError : Success;
    }
    if (args.front() == QLatin1String("--version") || args.front() == QLatin1String("-v")) {
        io.out << "qkov " << QKOV_VERSION << "\n";
        io.out.flush();
        return Success;
    }
    const Command *command = findCommand(args.front());
    if (!command)
        return usageError(io, {}, tr("unknown command '%1'").arg(args.front()));

    QCommandLineParser parser;
    parser.setApplicationDescription(command->description);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, tr("Show this help."));
    parser.addOption(help);
    command->configure(parser);
    // QCommandLineParser expects the program name first.
    QStringList parserArgs = args;
    parserArgs[0] = QStringLiteral("qkov ") + command->name;
    if (!parser.parse(parserArgs))
        return usageError(io, command->name, parser.errorText());
    if (parser.isSet(help)) {
        io.out << tr("Usage: qkov %1").arg(command->synopsis) << "\n\n" << command->description << "\n\n";
        const QString text = parser.helpText();
        // Drop Qt's own "Usage:" line; keep the options table.
        const qsizetype options = text.indexOf(QStringLiteral("Options:"));
        io.out << (options >= 0 ? text.mid(options) : text);
        io.out.flush();
        return Success;
    }
    try {
        return command->execute(parser, io);
    } catch (const Error &e) {
        io.err << "qkov " << command->name << ": " << e.message() << "\n";
    } catch (const std::bad_alloc &) {
        io.err << "qkov " << command->name << ": " << tr("out of memory") << "\n";
    } catch (const std::exception &e) {
        // Anything else is a bug, but the user still gets one line, never a trace.
        io.err << "qkov " << command->name << ": " << tr("internal error: %1").arg(QString::fromUtf8(e.what()).section('\n', 0, 0)) << "\n";
    }
    io.err.flush();
    return UserError;
}

} // namespace qkov::cli
