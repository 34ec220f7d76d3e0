// A disk that fills up while the gradient store reserves its spill file: a
// clear error naming the spill file, no file left behind, and the session
// saved beside it untouched. The reservation happens before any gradient is
// written, so a full disk can never surface later as SIGBUS from a mapping.
#include "ChildProcess.h"
#include "Error.h"
#include "SyntheticSession.h"
#include "analysis/GradientStore.h"
#include "session/SessionFile.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace qkov;

class TestReliabilitySpill : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fullDiskDuringSpillIsAClearError()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString session = dir.filePath(QStringLiteral("analysis.qkov"));
        SessionFile::save(test::syntheticResult(), session);
        const QByteArray sessionBytes = test::fileBytes(session);

        // 8 MiB of gradients over a 1 MiB budget, with room for 2 MiB on disk.
        const int code = test::runInChild(qint64(2) << 20, [&] {
            GradientStoreOptions options;
            options.budgetBytes = qint64(1) << 20;
            options.spillDirectory = dir.path();
            try {
                GradientStore store({{QStringLiteral("a"), QStringLiteral("w1"), {256, 256}, 16},
                                     {QStringLiteral("b"), QStringLiteral("w2"), {256, 256}, 16}},
                                    options);
            } catch (const Error &e) {
                const QString m = e.message();
                const bool clear = m.startsWith(dir.filePath(QStringLiteral("qkov-gradients-")))
                                   && m.contains(QStringLiteral("cannot reserve")) && m.contains(QStringLiteral("File too large"))
                                   && m.contains(QStringLiteral("free disk space"));
                if (!clear)
                    std::fprintf(stderr, "unclear message: %s\n", qPrintable(m));
                return clear ? test::kChildPassed : 2;
            }
            return 1; // the store claimed to hold 8 MiB on a disk with room for 2
        });
        QCOMPARE(code, test::kChildPassed);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("analysis.qkov")});
        QCOMPARE(test::fileBytes(session), sessionBytes);
        QCOMPARE(SessionFile::load(session).taskA.sampleIds, test::syntheticResult().taskA.sampleIds);
    }

    void spillWithinTheDiskWorks()
    {
        // The same store where the disk has room: the limit is what failed above.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const int code = test::runInChild(qint64(16) << 20, [&] {
            GradientStoreOptions options;
            options.budgetBytes = qint64(1) << 20;
            options.spillDirectory = dir.path();
            GradientStore store({{QStringLiteral("a"), QStringLiteral("w1"), {256, 256}, 16},
                                 {QStringLiteral("b"), QStringLiteral("w2"), {256, 256}, 16}},
                                options);
            const at::Tensor rows = at::arange(2 * 256 * 256, at::kFloat).reshape({2, 256, 256});
            store.write(QStringLiteral("b"), QStringLiteral("w2"), 14, rows);
            const bool ok = store.isSpilled(QStringLiteral("b"), QStringLiteral("w2"))
                            && store.readRows(QStringLiteral("b"), QStringLiteral("w2"), 14, 2).equal(rows);
            return ok ? test::kChildPassed : 1;
        });
        QCOMPARE(code, test::kChildPassed);
        QVERIFY(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestReliabilitySpill)
#include "tst_reliability_spill.moc"
