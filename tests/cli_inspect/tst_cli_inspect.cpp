// `qkov inspect` on stories260K (HF folder and llama2.c import), and the
// command-line contract of CLI.md: exit codes, one JSON document, --version.
#include "CliRun.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

namespace {

using Run = qkov::test::CliRun;

Run runQkov(const QStringList &args)
{
    return qkov::test::runCli(args);
}

const QString shared = QStringLiteral(QKOV_SHARED_DIR);

} // namespace

class TestCliInspect : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void stories260KJson()
    {
        const Run r = runQkov({QStringLiteral("inspect"), shared + QStringLiteral("/models/stories260K"), QStringLiteral("--json")});
        QCOMPARE(r.status, QProcess::NormalExit);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        const QJsonObject o = doc.object();
        QCOMPARE(o.value(QStringLiteral("architecture")).toString(), QStringLiteral("llama"));
        QCOMPARE(o.value(QStringLiteral("detection")).toString(), QStringLiteral("config"));
        QCOMPARE(o.value(QStringLiteral("num_layers")).toInt(), 5);
        QCOMPARE(o.value(QStringLiteral("num_heads")).toInt(), 8);
        QCOMPARE(o.value(QStringLiteral("num_kv_heads")).toInt(), 4);
        QCOMPARE(o.value(QStringLiteral("head_dim")).toInt(), 8);
        QCOMPARE(o.value(QStringLiteral("v_head_dim")).toInt(), 8);
        QCOMPARE(o.value(QStringLiteral("hidden_size")).toInt(), 64);
        QCOMPARE(o.value(QStringLiteral("fused_qkv")).toBool(), false);
        const QJsonArray layers = o.value(QStringLiteral("layers")).toArray();
        QCOMPARE(layers.size(), 5);
        for (int l = 0; l < 5; ++l) {
            const QJsonObject layer = layers.at(l).toObject();
            QCOMPARE(layer.value(QStringLiteral("index")).toInt(), l);
            const QString prefix = QStringLiteral("model.layers.%1.self_attn.").arg(l);
            const struct { const char *key, *tensor, *axis; int heads; } expected[] = {
                {"q", "q_proj.weight", "rows", 8}, {"k", "k_proj.weight", "rows", 4},
                {"v", "v_proj.weight", "rows", 4}, {"o", "o_proj.weight", "cols", 8}};
            for (const auto &e : expected) {
                const QJsonObject slice = layer.value(QLatin1String(e.key)).toObject();
                QCOMPARE(slice.value(QStringLiteral("tensor")).toString(), prefix + QLatin1String(e.tensor));
                QCOMPARE(slice.value(QStringLiteral("axis")).toString(), QLatin1String(e.axis));
                QCOMPARE(slice.value(QStringLiteral("offset")).toInt(), 0);
                QCOMPARE(slice.value(QStringLiteral("heads")).toInt(), e.heads);
                QCOMPARE(slice.value(QStringLiteral("head_dim")).toInt(), 8);
            }
        }
    }

    void llama2cImportGivesTheSameStructure()
    {
        const Run hf = runQkov({QStringLiteral("inspect"), shared + QStringLiteral("/models/stories260K"), QStringLiteral("--json")});
        const Run c = runQkov({QStringLiteral("inspect"), shared + QStringLiteral("/models/stories260K-llama2c/stories260K.bin"),
                            QStringLiteral("--json")});
        QVERIFY2(c.exitCode == 0, c.err.constData());
        QJsonObject a = QJsonDocument::fromJson(hf.out).object();
        QJsonObject b = QJsonDocument::fromJson(c.out).object();
        // Everything but where the model came from is identical.
        a.remove(QStringLiteral("model"));
        b.remove(QStringLiteral("model"));
        QCOMPARE(b.value(QStringLiteral("layers")), a.value(QStringLiteral("layers")));
        QCOMPARE(b.value(QStringLiteral("num_kv_heads")), a.value(QStringLiteral("num_kv_heads")));
        QCOMPARE(b.value(QStringLiteral("parameters")), a.value(QStringLiteral("parameters")));
    }

    void textOutputNamesTensors()
    {
        const Run r = runQkov({QStringLiteral("inspect"), shared + QStringLiteral("/models/stories260K")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("model.layers.4.self_attn.o_proj.weight"));
        QVERIFY(r.out.contains("grouped-query"));
    }

    void versionAndHelp()
    {
        Run r = runQkov({QStringLiteral("--version")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith("qkov " QKOV_VERSION));
        r = runQkov({QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("inspect MODEL"));
        r = runQkov({QStringLiteral("inspect"), QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("--json"));
    }

    void badCommandLinesExitWith2()
    {
        for (const QStringList &args : {QStringList{QStringLiteral("frobnicate")},
                                        QStringList{QStringLiteral("inspect")},
                                        QStringList{QStringLiteral("inspect"), QStringLiteral("--no-such-flag"), QStringLiteral("x")},
                                        QStringList{}}) {
            const Run r = runQkov(args);
            QCOMPARE(r.status, QProcess::NormalExit);
            QCOMPARE(r.exitCode, 2);
            QVERIFY(r.out.isEmpty() || args.isEmpty());
            if (!args.isEmpty())
                QCOMPARE(r.err.trimmed().count('\n'), 0); // one line
        }
    }

    void missingModelIsAUserError()
    {
        const Run r = runQkov({QStringLiteral("inspect"), QStringLiteral("/nonexistent/model"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.out.isEmpty());
        QVERIFY(r.err.contains("/nonexistent/model"));
        QCOMPARE(r.err.trimmed().count('\n'), 0);
    }
};

QTEST_GUILESS_MAIN(TestCliInspect)
#include "tst_cli_inspect.moc"
