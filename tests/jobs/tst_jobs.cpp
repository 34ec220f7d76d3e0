// The job runner: results, errors, progress, cancellation latency and
// stale-result dropping, without any GUI.
#include "Error.h"
#include "jobs/JobRunner.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <atomic>

using namespace qkov;

class TestJobs : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void deliversResultOnRunnerThread()
    {
        JobRunner runner;
        int result = 0;
        QThread *deliveredOn = nullptr;
        QSignalSpy finished(&runner, &JobRunner::jobFinished);
        const quint64 id = runner.start<int>(
            QStringLiteral("k"), QStringLiteral("t"), [](JobContext &) { return 42; },
            [&](int r) { result = r; deliveredOn = QThread::currentThread(); });
        QVERIFY(id > 0);
        QVERIFY(finished.wait(5000));
        QCOMPARE(result, 42);
        QCOMPARE(deliveredOn, QThread::currentThread());
        QCOMPARE(finished.front().at(1).value<JobOutcome>(), JobOutcome::Succeeded);
        QCOMPARE(runner.runningCount(), 0);
    }

    // idle() once the last of several jobs is over, not after each one.
    void signalsIdleAfterTheLastJob()
    {
        JobRunner runner;
        QSignalSpy idle(&runner, &JobRunner::idle);
        QSignalSpy finished(&runner, &JobRunner::jobFinished);
        for (const char *kind : {"a", "b"})
            runner.start<int>(QString::fromLatin1(kind), QStringLiteral("t"), [](JobContext &) { return 1; }, [](int) {});
        QTRY_COMPARE(finished.size(), 2);
        QCOMPARE(idle.size(), 1);
        QCOMPARE(runner.runningCount(), 0);
    }

    void reportsErrorsWithTheirMessage()
    {
        JobRunner runner;
        QString error;
        bool delivered = false;
        QSignalSpy finished(&runner, &JobRunner::jobFinished);
        runner.start<int>(
            QStringLiteral("k"), QStringLiteral("t"),
            [](JobContext &) -> int { throw Error(QStringLiteral("/x/model.safetensors"), QStringLiteral("truncated")); },
            [&](int) { delivered = true; }, [&](const QString &m) { error = m; });
        QVERIFY(finished.wait(5000));
        QVERIFY(!delivered);
        QCOMPARE(error, QStringLiteral("/x/model.safetensors: truncated"));
        QCOMPARE(finished.front().at(1).value<JobOutcome>(), JobOutcome::Failed);
    }

    void cancelTakesEffectWithin200ms()
    {
        JobRunner runner;
        std::atomic<bool> running{false};
        bool delivered = false;
        QSignalSpy finished(&runner, &JobRunner::jobFinished);
        const quint64 id = runner.start<int>(
            QStringLiteral("k"), QStringLiteral("t"),
            [&](JobContext &ctx) {
                running = true;
                for (int i = 0; i < 100000; ++i) { // 1000 s of work if never cancelled
                    QThread::msleep(10);
                    ctx.setProgress(i, 100000);
                }
                return 1;
            },
            [&](int) { delivered = true; });
        QTRY_VERIFY_WITH_TIMEOUT(running, 5000);
        QElapsedTimer timer;
        timer.start();
        runner.cancel(id);
        QVERIFY(finished.wait(5000));
        QVERIFY2(timer.elapsed() < 200, qPrintable(QStringLiteral("cancel took %1 ms").arg(timer.elapsed())));
        QCOMPARE(finished.front().at(1).value<JobOutcome>(), JobOutcome::Cancelled);
        QVERIFY(!delivered);
    }

    void newerJobOfSameKindSupersedesOlder()
    {
        JobRunner runner;
        QList<int> delivered;
        QSignalSpy finished(&runner, &JobRunner::jobFinished);
        std::atomic<bool> release{false}, oldStarted{false};
        // The first job ignores cancellation until released, then returns: its result is stale.
        runner.start<int>(
            QStringLiteral("probe"), QStringLiteral("old"),
            [&](JobContext &) {
                oldStarted = true;
                while (!release)
                    QThread::msleep(1);
                return 1;
            },
            [&](int r) { delivered << r; });
        QTRY_VERIFY_WITH_TIMEOUT(oldStarted, 5000);
        runner.start<int>(QStringLiteral("probe"), QStringLiteral("new"), [](JobContext &) { return 2; },
                          [&](int r) { delivered << r; });
        // A different kind is independent.
        runner.start<int>(QStringLiteral("other"), QStringLiteral("x"), [](JobContext &) { return 3; },
                          [&](int r) { delivered << r; });
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 5000);
        QTest::qWait(200); // the old job is still held: nothing else finishes
        QCOMPARE(finished.size(), 2);
        release = true;
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, 5000);
        std::sort(delivered.begin(), delivered.end());
        QCOMPARE(delivered, (QList<int>{2, 3}));
        bool sawStale = false;
        for (const auto &args : finished)
            sawStale |= args.at(1).value<JobOutcome>() == JobOutcome::Cancelled
                || args.at(1).value<JobOutcome>() == JobOutcome::Superseded;
        QVERIFY(sawStale);
    }

    void progressCarriesStageAndFraction()
    {
        JobRunner runner;
        QSignalSpy progress(&runner, &JobRunner::jobProgress);
        QSignalSpy finished(&runner, &JobRunner::jobFinished);
        runner.start<int>(
            QStringLiteral("k"), QStringLiteral("t"),
            [](JobContext &ctx) {
                ctx.setStage(QStringLiteral("Stage one"));
                QThread::msleep(60);
                ctx.setProgress(0.5);
                QThread::msleep(60);
                return 0;
            },
            [](int) {});
        QVERIFY(finished.wait(5000));
        QVERIFY(progress.size() >= 1);
        QCOMPARE(progress.front().at(1).value<JobProgress>().stage, QStringLiteral("Stage one"));
        QCOMPARE(progress.back().at(1).value<JobProgress>().fraction, 0.5);
    }
};

QTEST_GUILESS_MAIN(TestJobs)
#include "tst_jobs.moc"
