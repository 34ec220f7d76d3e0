// `qkov freeze` and `qkov logits --freeze` on stories260K (CLI.md): the probe
// document, the sweep table over all 40 heads, and user errors.
#include "CliRun.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

using Run = qkov::test::CliRun;

Run runQkov(const QStringList &args)
{
    return qkov::test::runCli(args);
}

const QString model = QStringLiteral(QKOV_SHARED_DIR "/models/stories260K");
const QString prompt = QStringLiteral("Once upon a time, there was a little girl named Lily.");

} // namespace

class TestCliFreeze : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sweepListsEveryHeadSorted()
    {
        const Run r = runQkov({QStringLiteral("freeze"), model, QStringLiteral("--sweep"), QStringLiteral("qk"),
                            QStringLiteral("--text"), prompt, QStringLiteral("--json"), QStringLiteral("--quiet")});
        QCOMPARE(r.exitCode, 0);
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QJsonArray rows = doc.array();
        QCOMPARE(rows.size(), 40);
        QSet<int> heads;
        double previous = qInf();
        for (const QJsonValue &v : rows) {
            const QJsonObject row = v.toObject();
            const double increase = row.value(QStringLiteral("loss_increase")).toDouble();
            QVERIFY(increase <= previous);
            previous = increase;
            QCOMPARE(row.value(QStringLiteral("circuit")).toString(), QStringLiteral("qk"));
            QVERIFY(std::abs(row.value(QStringLiteral("loss_frozen")).toDouble()
                             - row.value(QStringLiteral("loss_baseline")).toDouble() - increase) < 1e-9);
            heads.insert(row.value(QStringLiteral("layer")).toInt() * 8 + row.value(QStringLiteral("head")).toInt());
        }
        QCOMPARE(heads.size(), 40);
        QVERIFY(rows.first().toObject().value(QStringLiteral("loss_increase")).toDouble() > 0);
    }

    void probeDocumentAgreesWithSweep()
    {
        const Run sweep = runQkov({QStringLiteral("freeze"), model, QStringLiteral("--sweep"), QStringLiteral("ov"),
                                QStringLiteral("--text"), prompt, QStringLiteral("--json")});
        QCOMPARE(sweep.exitCode, 0);
        const QJsonObject top = QJsonDocument::fromJson(sweep.out).array().first().toObject();
        const QString spec = QStringLiteral("L%1.H%2:ov").arg(top.value(QStringLiteral("layer")).toInt())
                                 .arg(top.value(QStringLiteral("head")).toInt());
        const Run r = runQkov({QStringLiteral("freeze"), model, QStringLiteral("--freeze"), spec,
                            QStringLiteral("--text"), prompt, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject doc = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(doc.value(QStringLiteral("freeze")).toString(), spec + QStringLiteral(":zero"));
        QVERIFY(std::abs(doc.value(QStringLiteral("mean_loss_difference")).toDouble()
                         - top.value(QStringLiteral("loss_increase")).toDouble()) < 1e-9);
        const QJsonObject sample = doc.value(QStringLiteral("samples")).toArray().first().toObject();
        QCOMPARE(sample.value(QStringLiteral("top_baseline")).toArray().size(), 5);
        QCOMPARE(sample.value(QStringLiteral("top_frozen")).toArray().size(), 5);
        QVERIFY(!sample.value(QStringLiteral("top_baseline")).toArray().first().toObject().value(QStringLiteral("token")).toString().isEmpty());
        // OV freezing moves no pattern in its own layer or before it.
        const QJsonArray change = doc.value(QStringLiteral("pattern_change")).toArray();
        QCOMPARE(change.size(), 5);
        for (int l = 0; l <= top.value(QStringLiteral("layer")).toInt(); ++l)
            for (const QJsonValue &v : change[l].toArray())
                QCOMPARE(v.toDouble(), 0.0);
    }

    void logitsWithFreezeDiffer()
    {
        const QStringList base = {QStringLiteral("logits"), model, QStringLiteral("--tokens"), QStringLiteral("1 403 407 261"), QStringLiteral("--json")};
        const Run plain = runQkov(base);
        const Run frozen = runQkov(base + QStringList{QStringLiteral("--freeze"), QStringLiteral("L0.H0:head,L1.H3:qk")});
        QCOMPARE(plain.exitCode, 0);
        QCOMPARE(frozen.exitCode, 0);
        const QJsonArray a = QJsonDocument::fromJson(plain.out).object().value(QStringLiteral("logits")).toArray();
        const QJsonArray b = QJsonDocument::fromJson(frozen.out).object().value(QStringLiteral("logits")).toArray();
        QCOMPARE(a.size(), 4);
        QCOMPARE(b.size(), 4);
        QVERIFY(a.last() != b.last());
    }

    void errorsExitWithOneLine_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("named");
        const QStringList text = {QStringLiteral("--text"), prompt};
        QTest::newRow("layer") << (QStringList{QStringLiteral("--freeze"), QStringLiteral("L5.H0:qk")} + text) << 1 << QStringLiteral("layer 5");
        QTest::newRow("head") << (QStringList{QStringLiteral("--freeze"), QStringLiteral("L0.H9:ov")} + text) << 1 << QStringLiteral("head 9");
        QTest::newRow("circuit") << (QStringList{QStringLiteral("--freeze"), QStringLiteral("L0.H1:vo")} + text) << 1 << QStringLiteral("'vo'");
        QTest::newRow("sweep") << (QStringList{QStringLiteral("--sweep"), QStringLiteral("all")} + text) << 1 << QStringLiteral("--sweep");
        QTest::newRow("method") << (QStringList{QStringLiteral("--sweep"), QStringLiteral("qk"), QStringLiteral("--method"), QStringLiteral("avg")} + text) << 1 << QStringLiteral("--method");
        QTest::newRow("mean alone") << (QStringList{QStringLiteral("--freeze"), QStringLiteral("L0.H1:ov:mean")} + text) << 1 << QStringLiteral("--reference");
        QTest::newRow("task") << QStringList{QStringLiteral("--freeze"), QStringLiteral("L0.H1:ov"), QStringLiteral("--task"), QStringLiteral("/nonexistent/task.txt")} << 1 << QStringLiteral("/nonexistent/task.txt");
        QTest::newRow("neither") << text << 2 << QStringLiteral("--freeze");
        QTest::newRow("both") << (QStringList{QStringLiteral("--freeze"), QStringLiteral("L0.H1:ov"), QStringLiteral("--sweep"), QStringLiteral("qk")} + text) << 2 << QStringLiteral("--sweep");
        QTest::newRow("no input") << QStringList{QStringLiteral("--freeze"), QStringLiteral("L0.H1:ov")} << 2 << QStringLiteral("--text");
    }

    void errorsExitWithOneLine()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, named);
        const Run r = runQkov(QStringList{QStringLiteral("freeze"), model} + args + QStringList{QStringLiteral("--json")});
        QCOMPARE(r.exitCode, code);
        QVERIFY(r.out.isEmpty());
        const QString err = QString::fromUtf8(r.err).trimmed();
        QVERIFY2(!err.contains(QLatin1Char('\n')), qPrintable(err));
        QVERIFY2(err.contains(named), qPrintable(err));
    }
};

QTEST_GUILESS_MAIN(TestCliFreeze)
#include "tst_cli_freeze.moc"
