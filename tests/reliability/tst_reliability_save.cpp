// Sessions are never lost: a process killed while saving (SIGKILL, as a
// crash or the OOM killer would) and a disk that fills up at any point of a
// save both leave the previous session byte for byte, loadable. The GUI's
// recovery copy goes through the same SessionFile::save, so this is what
// protects it too.
#include "ChildProcess.h"
#include "Error.h"
#include "SyntheticSession.h"
#include "session/SessionFile.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <sys/stat.h>

using namespace qkov;

namespace {

const QString kGradient = QStringLiteral("grad.a.model.layers.9.self_attn.big.weight");

// A session large enough that writing it takes a while (~32 MB of gradients).
AnalysisResult largeResult()
{
    AnalysisResult r = test::syntheticResult(3, 4, 2, 3, 77);
    NamedTensor gradient;
    gradient.shape = {r.nA(), 1 << 21, 1};
    gradient.values.resize(size_t(r.nA()) << 21);
    for (size_t i = 0; i < gradient.values.size(); ++i)
        gradient.values[i] = float(i % 1013) * 0.5f;
    r.gradients.insert(kGradient, gradient);
    return r;
}

// Files in `dir` other than `keep` (temporary files a save left behind).
QStringList othersIn(const QString &dir, const QString &keep)
{
    QStringList names = QDir(dir).entryList(QDir::Files | QDir::Hidden);
    names.removeAll(keep);
    return names;
}

// The size of a file that process `pid` has open in `dir`, other than
// `finalPath`: the temporary file of a save under way, named or (O_TMPFILE)
// not. 0 when there is none.
qint64 openTemporarySize(pid_t pid, const QString &dir, const QString &finalPath)
{
    const QDir fds(QStringLiteral("/proc/%1/fd").arg(pid));
    for (const QString &fd : fds.entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot)) {
        const QByteArray link = fds.filePath(fd).toLocal8Bit();
        char target[4096];
        const ssize_t n = readlink(link.constData(), target, sizeof target - 1);
        if (n <= 0)
            continue;
        const QString path = QString::fromLocal8Bit(target, int(n));
        struct stat info{};
        if (path.startsWith(dir + QLatin1Char('/')) && path != finalPath && stat(link.constData(), &info) == 0 && info.st_size > 0)
            return qint64(info.st_size);
    }
    return 0;
}

} // namespace

class TestReliabilitySave : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void killedSaveKeepsPreviousSession()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString name = QStringLiteral("recovery.qkov");
        const QString path = dir.filePath(name);
        const AnalysisResult previous = test::syntheticResult();
        SessionFile::save(previous, path);
        const QByteArray previousBytes = test::fileBytes(path);
        const AnalysisResult large = largeResult();
        const QString complete = QDir(QDir::tempPath()).filePath(QStringLiteral("qkov-reliability-complete-%1.qkov").arg(getpid()));
        SessionFile::save(large, complete);
        const qint64 completeSize = QFileInfo(complete).size();
        QFile::remove(complete);

        // The child saves over and over; the moment it holds a temporary file
        // beside the session with part of the data in it, a save is under
        // way: kill it there.
        const pid_t child = test::forkChild(-1, [&] {
            for (;;)
                SessionFile::save(large, path);
            return 0;
        });
        QVERIFY(child > 0);
        QElapsedTimer timer;
        timer.start();
        qint64 partialSize = 0;
        while (timer.elapsed() < 60000) {
            const qint64 size = openTemporarySize(child, dir.path(), path);
            if (size > 0 && size < completeSize) {
                kill(child, SIGKILL);
                partialSize = size;
                break;
            }
            QThread::usleep(100);
        }
        kill(child, SIGKILL);
        QCOMPARE(test::waitChild(child), -SIGKILL);
        QVERIFY2(partialSize > 0, "no save was caught half-way within a minute");

        // The session file is a whole session: the previous one, or a complete
        // earlier save of the child; never the half-written one.
        const QByteArray after = test::fileBytes(path);
        const AnalysisResult loaded = SessionFile::load(path);
        if (after != previousBytes) {
            QCOMPARE(after.size(), completeSize);
            QCOMPARE(loaded.gradients.value(kGradient).values, large.gradients.value(kGradient).values);
        } else {
            QVERIFY(!loaded.gradients.contains(kGradient));
            QCOMPARE(loaded.taskA.sampleIds, previous.taskA.sampleIds);
        }

        // At most the killed save's temporary file is left (none where Qt
        // writes to an unnamed O_TMPFILE), and the next save still works.
        QVERIFY(othersIn(dir.path(), name).size() <= 1);
        SessionFile::save(previous, path);
        QCOMPARE(test::fileBytes(path), previousBytes);
    }

    // The file size limit falls before the header, inside it, inside the
    // tensor data and one byte short of the end.
    void fullDiskKeepsPreviousSession_data()
    {
        QTest::addColumn<qint64>("limit");
        QTest::newRow("nothing fits") << qint64(0);
        QTest::newRow("inside the length prefix") << qint64(5);
        QTest::newRow("inside the header") << qint64(600);
        QTest::newRow("inside the data") << (qint64(1) << 20);
        QTest::newRow("one byte short") << qint64(-1);
    }

    void fullDiskKeepsPreviousSession()
    {
        QFETCH(qint64, limit);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("analysis.qkov"));
        const AnalysisResult previous = test::syntheticResult();
        SessionFile::save(previous, path);
        const QByteArray previousBytes = test::fileBytes(path);
        const AnalysisResult large = largeResult();
        if (limit < 0) {
            SessionFile::save(large, dir.filePath(QStringLiteral("size.qkov")));
            limit = QFileInfo(dir.filePath(QStringLiteral("size.qkov"))).size() - 1;
            QVERIFY(QFile::remove(dir.filePath(QStringLiteral("size.qkov"))));
        }

        const int code = test::runInChild(limit, [&] {
            try {
                SessionFile::save(large, path);
            } catch (const Error &e) {
                // One clear message naming the file, saying it was not written
                // and why (the system's reason), and that nothing was lost.
                const QString m = e.message();
                const bool clear = m.startsWith(path + QStringLiteral(": ")) && m.contains(QStringLiteral("could not be written"))
                                   && m.contains(QStringLiteral("File too large")) && m.contains(QStringLiteral("previous file is unchanged"));
                if (!clear)
                    std::fprintf(stderr, "unclear message: %s\n", qPrintable(m));
                return clear ? test::kChildPassed : 2;
            }
            return 1; // the save claimed success
        });
        QCOMPARE(code, test::kChildPassed);
        QCOMPARE(test::fileBytes(path), previousBytes);
        QCOMPARE(othersIn(dir.path(), QStringLiteral("analysis.qkov")), QStringList());
        QCOMPARE(SessionFile::load(path).taskB.sampleIds, previous.taskB.sampleIds);
    }
};

QTEST_GUILESS_MAIN(TestReliabilitySave)
#include "tst_reliability_save.moc"
