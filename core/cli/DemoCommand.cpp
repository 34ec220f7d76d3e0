// qkov demo [--out DIR] [--force] [--json]: builds the embedded demo model
// (docs/DEMO.md) when it is missing or outdated and tells where it is.
#include "../Error.h"
#include "../demo/DemoModel.h"
#include "../jobs/JobContext.h"
#include "Command.h"
#include "ProgressPrinter.h"
#include "Translate.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>

#include <atomic>
#include <csignal>

namespace qkov::cli {

namespace {

// Ctrl-C cancels the training cleanly (the temporary folder is removed); a
// second Ctrl-C ends the process at once (SA_RESETHAND).
std::atomic<JobContext *> g_interruptible{nullptr};

extern "C" void cancelOnInterrupt(int)
{
    if (JobContext *job = g_interruptible.load())
        job->requestCancel();
}

class InterruptScope
{
public:
    explicit InterruptScope(JobContext &job)
    {
        g_interruptible.store(&job);
        struct sigaction action = {};
        action.sa_handler = cancelOnInterrupt;
        action.sa_flags = SA_RESETHAND;
        sigemptyset(&action.sa_mask);
        sigaction(SIGINT, &action, &m_previous);
    }
    ~InterruptScope()
    {
        sigaction(SIGINT, &m_previous, nullptr);
        g_interruptible.store(nullptr);
    }

private:
    struct sigaction m_previous = {};
};

QString headsText(const std::vector<DemoHead> &heads)
{
    if (heads.empty())
        return tr("none found");
    QStringList parts;
    for (const DemoHead &h : heads)
        parts << QStringLiteral("L%1.H%2 (%3)").arg(h.layer).arg(h.head).arg(h.score, 0, 'f', 2);
    return parts.join(QStringLiteral(", "));
}

} // namespace

Command demoCommand()
{
    static const QCommandLineOption out(QStringLiteral("out"), tr("Folder of the demo (default: %1).").arg(demoFolder()), tr("DIR"));
    static const QCommandLineOption force(QStringLiteral("force"), tr("Rebuild even when the demo is current."));
    static const QCommandLineOption json(QStringLiteral("json"), tr("Print one JSON document."));
    static const QCommandLineOption quiet(QStringLiteral("quiet"), tr("No progress on stderr."));
    Command c;
    c.name = QStringLiteral("demo");
    c.synopsis = QStringLiteral("demo [--out DIR] [--force] [--json]");
    c.description = tr("Build the embedded demo model and its two tasks (when missing or outdated) and print where they are.");
    c.configure = [](QCommandLineParser &p) { p.addOptions({out, force, json, quiet}); };
    c.execute = [](const QCommandLineParser &p, Io io) {
        if (!p.positionalArguments().isEmpty())
            return usageError(io, QStringLiteral("demo"), tr("unexpected argument \"%1\"").arg(p.positionalArguments().front()));
        if (p.isSet(out) && p.value(out).trimmed().isEmpty())
            throw Error(QStringLiteral("--out"), tr("the folder name is empty."));
        const QString dir = p.isSet(out) ? p.value(out) : demoFolder();
        DemoOptions options;
        options.force = p.isSet(force);

        QElapsedTimer clock;
        clock.start();
        DemoInfo info;
        {
            ProgressPrinter progress(io.err, p.isSet(quiet));
            JobContext job(progress.sink());
            InterruptScope interrupt(job);
            try {
                info = ensureDemo(dir, job, options);
            } catch (const JobCancelled &) {
                io.err << "\n" << tr("qkov demo: cancelled; nothing was written to %1").arg(QDir::toNativeSeparators(dir)) << "\n";
                io.err.flush();
                return 130; // the shell's code for an interrupted command
            }
        }
        const double seconds = clock.elapsed() / 1000.0;

        if (p.isSet(json)) {
            auto task = [](const QString &name, const QString &file, double loss) {
                return QJsonObject{{QStringLiteral("name"), name},
                                   {QStringLiteral("file"), file},
                                   {QStringLiteral("loss"), loss}};
            };
            printJson(io, QJsonObject{
                {QStringLiteral("folder"), info.folder},
                {QStringLiteral("version"), info.version},
                {QStringLiteral("trained"), info.trained},
                {QStringLiteral("seconds"), seconds},
                {QStringLiteral("training_seconds"), info.trainingSeconds},
                {QStringLiteral("steps"), info.steps},
                {QStringLiteral("seed"), QString::number(info.seed)},
                {QStringLiteral("threads"), info.threads},
                {QStringLiteral("tasks"), QJsonObject{{QStringLiteral("a"), task(info.taskAName, info.taskAPath, info.taskALoss)},
                                                      {QStringLiteral("b"), task(info.taskBName, info.taskBPath, info.taskBLoss)}}},
                {QStringLiteral("induction_heads"), demoHeadsToJson(info.inductionHeads)},
                {QStringLiteral("previous_token_heads"), demoHeadsToJson(info.previousTokenHeads)}});
            return int(Success);
        }
        const QString folder = QDir::toNativeSeparators(info.folder);
        io.out << tr("demo model: %1").arg(folder) << "\n"
               << tr("  task A \"%1\": %2 (held-out loss %3 nats/token)")
                      .arg(info.taskAName, QDir::toNativeSeparators(info.taskAPath)).arg(info.taskALoss, 0, 'f', 4) << "\n"
               << tr("  task B \"%1\": %2 (held-out loss %3 nats/token)")
                      .arg(info.taskBName, QDir::toNativeSeparators(info.taskBPath)).arg(info.taskBLoss, 0, 'f', 4) << "\n"
               << tr("  induction heads: %1").arg(headsText(info.inductionHeads)) << "\n"
               << tr("  previous-token heads: %1").arg(headsText(info.previousTokenHeads)) << "\n";
        if (info.trained)
            io.out << tr("trained in %1 s").arg(seconds, 0, 'f', 1) << "\n";
        else
            io.out << tr("already current (version %1, trained in %2 s when built); checked in %3 s")
                          .arg(info.version).arg(info.trainingSeconds, 0, 'f', 1).arg(seconds, 0, 'f', 2) << "\n";
        io.out << tr("next: qkov analyze %1 --task-a %2=%3 --task-b %4=%5 --out demo.qkov")
                      .arg(folder, info.taskAName, QDir::toNativeSeparators(info.taskAPath), info.taskBName,
                           QDir::toNativeSeparators(info.taskBPath)) << "\n";
        io.out.flush();
        return int(Success);
    };
    return c;
}

} // namespace qkov::cli
