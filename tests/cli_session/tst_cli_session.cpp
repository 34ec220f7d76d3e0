// `qkov session` (CLI.md): a session written through the library is
// summarized as text and as one JSON document with the keys of
// `qkov analyze --json`; damaged files exit 1 with one line on stderr.
#include "CliRun.h"

#include "SyntheticSession.h"
#include "session/InputFingerprints.h"
#include "session/SessionFile.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace qkov;

namespace {

using Run = qkov::test::CliRun;

Run runQkov(const QStringList &args)
{
    return qkov::test::runCli(args);
}

// Sessions store clean absolute paths.
const QString kModel = QDir::cleanPath(QStringLiteral(QKOV_SHARED_DIR "/models/stories260K"));

} // namespace

class TestCliSession : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    AnalysisResult m_result;
    QString m_session;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // The real stories260K shape (5 layers, 8 heads) with synthetic numbers.
        m_result = test::syntheticResult(3, 4, 5, 8, 23);
        m_result.modelPath = kModel;
        m_result.modelSha256 = modelFingerprint(kModel);
        m_result.taskA.path.clear(); // no dataset files to check
        m_result.taskB.path.clear();
        m_result.blocks[0].heatmap[13] = 1.0f; // the top Q head: L1.H5
        m_result.blocks[0].flagged.assign(m_result.blocks[0].flagged.size(), 0);
        m_result.blocks[0].flagged[13] = 1;
        m_result.blocks[0].flagged[2] = 1;
        m_session = m_dir.filePath(QStringLiteral("run.qkov"));
        SessionFile::save(m_result, m_session);
    }

    void textSummary()
    {
        const Run r = runQkov({QStringLiteral("session"), m_session});
        QCOMPARE(r.status, QProcess::NormalExit);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.err.isEmpty());
        const QString out = QString::fromUtf8(r.out);
        QVERIFY2(out.contains(m_session), qPrintable(out));
        QVERIFY(out.contains(kModel));
        QVERIFY(out.contains(QStringLiteral("llama, 5 layers, 8 heads")));
        QVERIFY(out.contains(QStringLiteral("math, 3 samples")));
        QVERIFY(out.contains(QStringLiteral("poetry \u00e9, 4 samples")));
        QVERIFY(out.contains(QStringLiteral("permutations=200")));
        QVERIFY2(out.contains(QStringLiteral("Block Q: 2 of 40 heads flagged")), qPrintable(out));
        for (const char *block : {"Block K:", "Block V:", "Block O:", "Top conflicts:", "Timings:"})
            QVERIFY2(out.contains(QLatin1String(block)), block);
        // The first head listed under Q is the one with the largest mean score.
        const qsizetype q = out.indexOf(QStringLiteral("Block Q:"));
        const QString firstHead = out.mid(out.indexOf(QLatin1Char('\n'), q) + 1).section(QLatin1Char('\n'), 0, 0);
        QVERIFY2(firstHead.trimmed().startsWith(QStringLiteral("L1.H5 ")) && firstHead.contains(QStringLiteral("flagged")), qPrintable(firstHead));
        QVERIFY(out.contains(QStringLiteral("Warning:    ") + m_result.warnings.front()));
        QVERIFY(!out.contains(QStringLiteral("Note:"))); // the model is unchanged
    }

    void jsonSummary()
    {
        const Run r = runQkov({QStringLiteral("session"), m_session, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonParseError error;
        const QJsonObject o = QJsonDocument::fromJson(r.out, &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        QCOMPARE(o.value(QStringLiteral("model")).toString(), kModel);
        const QJsonObject tasks = o.value(QStringLiteral("tasks")).toObject();
        QCOMPARE(tasks.value(QStringLiteral("a")).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("math"));
        QCOMPARE(tasks.value(QStringLiteral("a")).toObject().value(QStringLiteral("n")).toInt(), 3);
        QCOMPARE(tasks.value(QStringLiteral("b")).toObject().value(QStringLiteral("n")).toInt(), 4);
        const QJsonObject blocks = o.value(QStringLiteral("blocks")).toObject();
        for (int b = 0; b < 4; ++b) {
            const BlockResult &expected = m_result.blocks[size_t(b)];
            const QJsonObject block = blocks.value(AnalysisResult::blockName(b)).toObject();
            for (const char *key : {"heatmap", "p", "q", "z", "flagged"}) {
                const QJsonArray rows = block.value(QLatin1String(key)).toArray();
                QCOMPARE(rows.size(), 5);
                for (const QJsonValue row : rows)
                    QCOMPARE(row.toArray().size(), 8);
            }
            for (int cell = 0; cell < 40; ++cell) {
                const auto at = [&](const char *key) { return block.value(QLatin1String(key)).toArray().at(cell / 8).toArray().at(cell % 8); };
                QCOMPARE(at("heatmap").toDouble(), double(expected.heatmap[size_t(cell)]));
                QCOMPARE(at("p").toDouble(), expected.pvalue[size_t(cell)]);
                QCOMPARE(at("q").toDouble(), expected.qvalue[size_t(cell)]);
                const double z = expected.z[size_t(cell)];
                QVERIFY(std::isnan(z) ? at("z").isNull() : at("z").toDouble() == z);
                QVERIFY(at("flagged").isBool());
                QCOMPARE(at("flagged").toBool(), expected.flagged[size_t(cell)] != 0);
            }
        }
        const QJsonArray conflicts = o.value(QStringLiteral("top_conflicts")).toArray();
        QCOMPARE(conflicts.size(), qsizetype(m_result.topConflicts.size()));
        for (qsizetype i = 0; i < conflicts.size(); ++i) {
            const QJsonObject c = conflicts.at(i).toObject();
            const ConflictEntry &e = m_result.topConflicts[size_t(i)];
            QCOMPARE(c.value(QStringLiteral("block")).toString(), e.block);
            QCOMPARE(c.value(QStringLiteral("layer")).toInt(), e.layer);
            QCOMPARE(c.value(QStringLiteral("head")).toInt(), e.head);
            QCOMPARE(c.value(QStringLiteral("sample_a")).toString(), m_result.taskA.sampleIds[e.sampleA]);
            QCOMPARE(c.value(QStringLiteral("sample_b")).toString(), m_result.taskB.sampleIds[e.sampleB]);
            QCOMPARE(c.value(QStringLiteral("score")).toDouble(), e.score);
        }
        QCOMPARE(o.value(QStringLiteral("timings")).toObject().value(QStringLiteral("statistics")).toDouble(), 0.5);
        QCOMPARE(o.value(QStringLiteral("changed_inputs")).toArray().size(), 0);
    }

    void changedModelIsNoted()
    {
        AnalysisResult stale = m_result;
        stale.modelSha256 = QStringLiteral("0").repeated(64);
        const QString file = m_dir.filePath(QStringLiteral("stale.qkov"));
        SessionFile::save(stale, file);
        const Run text = runQkov({QStringLiteral("session"), file});
        QVERIFY2(text.exitCode == 0, text.err.constData());
        QVERIFY(QString::fromUtf8(text.out).contains(QStringLiteral("Note:       The model ") + kModel + QStringLiteral(" has changed")));
        const Run json = runQkov({QStringLiteral("session"), file, QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(json.out).object().value(QStringLiteral("changed_inputs")).toArray().size(), 1);
    }

    void damagedFileExitsOne()
    {
        QFile original(m_session);
        QVERIFY(original.open(QIODevice::ReadOnly));
        const QByteArray bytes = original.readAll();
        const QString damaged = m_dir.filePath(QStringLiteral("damaged.qkov"));
        QFile out(damaged);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(bytes.left(bytes.size() - 100));
        out.close();
        for (const QStringList &args : {QStringList{QStringLiteral("session"), damaged}, QStringList{QStringLiteral("session"), damaged, QStringLiteral("--json")},
                                        QStringList{QStringLiteral("session"), m_dir.filePath(QStringLiteral("missing.qkov"))}}) {
            const Run r = runQkov(args);
            QCOMPARE(r.status, QProcess::NormalExit);
            QCOMPARE(r.exitCode, 1);
            QVERIFY(r.out.isEmpty());
            QVERIFY2(QString::fromUtf8(r.err).startsWith(QStringLiteral("qkov session: ") + args[1] + QStringLiteral(": ")), r.err.constData());
            QCOMPARE(r.err.count('\n'), 1);
            QVERIFY(r.err.endsWith('\n'));
        }
    }

    void badCommandLineExitsTwo()
    {
        QCOMPARE(runQkov({QStringLiteral("session")}).exitCode, 2);
        QCOMPARE(runQkov({QStringLiteral("session"), m_session, m_session}).exitCode, 2);
        QCOMPARE(runQkov({QStringLiteral("session"), m_session, QStringLiteral("--bogus")}).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliSession)
#include "tst_cli_session.moc"
