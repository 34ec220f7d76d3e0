#pragma once
// Runs a piece of a test in a forked child, so it can be killed or given a
// file size limit without touching the test process. RLIMIT_FSIZE stands in
// for a full disk (it binds root too, unlike a full tmpfs): with SIGXFSZ
// ignored, a write past the limit fails with EFBIG as ENOSPC would.
#include <QByteArray>
#include <QFile>
#include <QString>

#include <csignal>
#include <functional>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace qkov::test {

constexpr int kChildPassed = 0;

// Forks; the child applies `fileSizeLimit` (bytes, or -1 for none), runs
// `body` and exits with its return value (any exception: 99). Returns the
// child's pid.
inline pid_t forkChild(qint64 fileSizeLimit, const std::function<int()> &body)
{
    const pid_t pid = fork();
    if (pid != 0)
        return pid;
    if (fileSizeLimit >= 0) {
        std::signal(SIGXFSZ, SIG_IGN);
        const rlimit limit{rlim_t(fileSizeLimit), rlim_t(fileSizeLimit)};
        if (setrlimit(RLIMIT_FSIZE, &limit) != 0)
            _exit(98);
    }
    int code = 99;
    try {
        code = body();
    } catch (...) {
    }
    _exit(code); // no atexit handlers, no Qt teardown in the child
}

// Waits for a child; its exit code, or -signal when a signal ended it.
inline int waitChild(pid_t pid)
{
    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        return -1000;
    return WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? -WTERMSIG(status) : -1001;
}

inline int runInChild(qint64 fileSizeLimit, const std::function<int()> &body)
{
    return waitChild(forkChild(fileSizeLimit, body));
}

inline QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace qkov::test
