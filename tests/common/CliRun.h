#pragma once
// Runs the built `qkov` binary for the CLI tests (QKOV_CLI_PATH) and
// collects its exit, stdout and stderr. A crash or a time-out gives
// exitCode -1 and status CrashExit, so `exitCode == 1` can only mean a clean
// user-error exit.
#include <QByteArray>
#include <QProcess>
#include <QStringList>

namespace qkov::test {

struct CliRun
{
    int exitCode = -1;
    QProcess::ExitStatus status = QProcess::CrashExit;
    QByteArray out, err;
};

inline CliRun runCli(const QStringList &args, int timeoutMs = 300000)
{
    QProcess p;
    p.start(QStringLiteral(QKOV_CLI_PATH), args);
    CliRun r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.status = p.exitStatus();
    r.exitCode = r.status == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

} // namespace qkov::test
