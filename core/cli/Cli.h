#pragma once
// The headless `qkov` command line (../shared/spec/CLI.md). Every command
// exits 0 on success, 1 on a user error (one clear stderr line naming the
// file or flag), 2 on a bad command line. With --json, stdout holds exactly
// one JSON document.
#include <QStringList>
#include <QTextStream>

namespace qkov::cli {

enum ExitCode { Success = 0, UserError = 1, UsageError = 2 };

struct Io
{
    QTextStream &out;
    QTextStream &err;
};

// `arguments` as QCoreApplication::arguments() gives them (program name first).
int run(const QStringList &arguments, Io io);

} // namespace qkov::cli
