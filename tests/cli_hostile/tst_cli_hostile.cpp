// `qkov inspect` on every case of the hostile corpus (tests/data/hostile,
// listed in MANIFEST.tsv): exit code 1, no crash, no hang, exactly one stderr
// line naming the file and the problem, nothing on stdout. The CLI runs under
// a 4 GB address-space limit, so any attempt to allocate what a hostile
// header claims fails instead of quietly succeeding on a big machine.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/resource.h>

namespace {

const QString kHostileDir = QStringLiteral(QKOV_TEST_DATA_DIR "/hostile");
const QString kCli = QStringLiteral(QKOV_CLI_PATH);
constexpr rlim_t kAddressSpaceLimit = rlim_t(4) << 30;
constexpr int kTimeoutMs = 60'000;
// AddressSanitizer reserves terabytes of address space for its shadow memory,
// so under -DQKOV_SANITIZE=address the limit comes from ASan's allocator
// instead: an allocation over 4 GB, or an RSS over 4 GB, aborts the CLI.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kUnderAddressSanitizer = true;
#else
constexpr bool kUnderAddressSanitizer = false;
#endif

struct Run
{
    bool finished = false;
    QProcess::ExitStatus status = QProcess::CrashExit;
    int exitCode = -1;
    QByteArray out, err;
};

Run runCli(const QStringList &arguments)
{
    QProcess process;
    if (kUnderAddressSanitizer) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        const QString limits = QStringLiteral("max_allocation_size_mb=4096:allocator_may_return_null=0:hard_rss_limit_mb=4096");
        const QString previous = env.value(QStringLiteral("ASAN_OPTIONS"));
        env.insert(QStringLiteral("ASAN_OPTIONS"), previous.isEmpty() ? limits : previous + QLatin1Char(':') + limits);
        process.setProcessEnvironment(env);
    } else {
        process.setChildProcessModifier([] {
            // Runs in the child between fork and exec: only async-signal-safe calls.
            const rlimit limit{kAddressSpaceLimit, kAddressSpaceLimit};
            setrlimit(RLIMIT_AS, &limit);
        });
    }
    process.start(kCli, arguments);
    Run run;
    run.finished = process.waitForFinished(kTimeoutMs);
    if (!run.finished) {
        process.kill();
        process.waitForFinished();
    }
    run.status = process.exitStatus();
    run.exitCode = process.exitCode();
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

} // namespace

class TestCliHostile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void validModelPassesUnderTheSameLimit();
    void refusesHostileInput_data();
    void refusesHostileInput();

private:
    QTemporaryDir m_tmp;
};

void TestCliHostile::initTestCase()
{
    QVERIFY2(QFileInfo(kCli).isExecutable(), qPrintable(kCli + QStringLiteral(" is not built")));
    QVERIFY(m_tmp.isValid());
}

// A control: the limit itself must not be what makes the hostile cases fail.
void TestCliHostile::validModelPassesUnderTheSameLimit()
{
    const Run run = runCli({QStringLiteral("inspect"), QStringLiteral(QKOV_SHARED_DIR "/models/stories260K"), QStringLiteral("--json")});
    QVERIFY(run.finished);
    QCOMPARE(run.status, QProcess::NormalExit);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY(!run.out.isEmpty());
}

void TestCliHostile::refusesHostileInput_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("needle");
    QFile manifest(kHostileDir + QStringLiteral("/MANIFEST.tsv"));
    QVERIFY2(manifest.open(QIODevice::ReadOnly | QIODevice::Text), qPrintable(manifest.fileName()));
    int cases = 0;
    while (!manifest.atEnd()) {
        const QString line = QString::fromUtf8(manifest.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const QStringList fields = line.split(QLatin1Char('\t'));
        QVERIFY2(fields.size() == 2 && !fields[1].isEmpty(), qPrintable(QStringLiteral("bad manifest line: ") + line));
        QString path;
        if (fields[0] == QLatin1String("@EMPTY_DIR")) {
            path = m_tmp.filePath(QStringLiteral("empty_model_folder"));
            QVERIFY(QDir().mkpath(path));
        } else {
            path = kHostileDir + QLatin1Char('/') + fields[0];
            QVERIFY2(QFileInfo::exists(path), qPrintable(path + QStringLiteral(" is listed but missing")));
        }
        QTest::newRow(qPrintable(fields[0])) << path << fields[1];
        ++cases;
    }
    QVERIFY2(cases >= 22, qPrintable(QStringLiteral("only %1 cases in the manifest").arg(cases)));
}

void TestCliHostile::refusesHostileInput()
{
    QFETCH(QString, path);
    QFETCH(QString, needle);
    const Run run = runCli({QStringLiteral("inspect"), path});
    QVERIFY2(run.finished, "qkov inspect did not finish within 60 s");
    QCOMPARE(run.status, QProcess::NormalExit); // a crash (signal) is never acceptable
    const QString err = QString::fromUtf8(run.err);
    QVERIFY2(run.exitCode == 1, qPrintable(QStringLiteral("exit code %1, stderr: %2").arg(run.exitCode).arg(err)));
    QVERIFY2(run.out.isEmpty(), run.out.constData());
    const QStringList lines = err.trimmed().split(QLatin1Char('\n'));
    QVERIFY2(lines.size() == 1 && !lines.front().trimmed().isEmpty(),
             qPrintable(QStringLiteral("expected one stderr line, got: ") + err));
    const QString line = lines.front();
    // Look for the problem outside the path: case names often contain the needle.
    const QString problem = QString(line).remove(path);
    QVERIFY2(problem.contains(needle), qPrintable(QStringLiteral("'%1' lacks '%2' (outside the path)").arg(line, needle)));
    // The message names what the user pointed at (the file, or the folder a file in it belongs to).
    const QString name = QFileInfo(path).fileName();
    QVERIFY2(line.contains(name), qPrintable(QStringLiteral("'%1' does not name '%2'").arg(line, name)));
}

QTEST_GUILESS_MAIN(TestCliHostile)
#include "tst_cli_hostile.moc"
