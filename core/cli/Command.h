#pragma once
// One `qkov` subcommand. Commands register in Commands.cpp; each lives in its own file.
#include "Cli.h"

#include <QCommandLineParser>
#include <QString>
#include <functional>
#include <vector>

namespace qkov::cli {

struct Command
{
    QString name;
    QString synopsis;     // "inspect MODEL [--json]"
    QString description;  // one line for `qkov --help`
    // Adds the command's options and positional arguments.
    std::function<void(QCommandLineParser &)> configure;
    // Runs after parsing succeeded; returns the exit code. May throw qkov::Error (-> exit 1).
    std::function<int(const QCommandLineParser &, Io)> execute;
};

const std::vector<Command> &commands();

// Shared by commands: the usage error exit (prints one line and a hint).
int usageError(Io io, const QString &command, const QString &message);

// JSON output helpers: exactly one document on stdout.
void printJson(Io io, const class QJsonObject &object);

} // namespace qkov::cli
