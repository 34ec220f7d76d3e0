// `qkov tokenize` and `qkov logits` against the shared references (CLI.md).
#include "CliRun.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

namespace {

using Run = qkov::test::CliRun;

Run runQkov(const QStringList &args)
{
    return qkov::test::runCli(args);
}

QJsonDocument readJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll());
}

const QString shared = QStringLiteral(QKOV_SHARED_DIR);

} // namespace

class TestCliEngine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void logitsMatchLlama2cReference_data()
    {
        QTest::addColumn<QString>("model");
        QTest::newRow("hf") << shared + QStringLiteral("/models/stories260K");
        QTest::newRow("llama2c") << shared + QStringLiteral("/models/stories260K-llama2c/stories260K.bin");
    }
    void logitsMatchLlama2cReference()
    {
        QFETCH(QString, model);
        const QJsonObject ref = readJson(shared + QStringLiteral("/reference/stories260K_logits.json")).object();
        QStringList ids;
        for (const QJsonValue &v : ref.value(QStringLiteral("tokens")).toArray())
            ids << QString::number(v.toInt());
        const Run r = runQkov({QStringLiteral("logits"), model, QStringLiteral("--tokens"), ids.join(QLatin1Char(' ')),
                            QStringLiteral("--json"), QStringLiteral("--threads"), QStringLiteral("1")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject got = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(got.value(QStringLiteral("tokens")), ref.value(QStringLiteral("tokens")));
        const QJsonArray want = ref.value(QStringLiteral("logits")).toArray();
        const QJsonArray have = got.value(QStringLiteral("logits")).toArray();
        QCOMPARE(have.size(), want.size());
        double maxDiff = 0;
        for (int t = 0; t < want.size(); ++t) {
            const QJsonArray w = want.at(t).toArray(), h = have.at(t).toArray();
            QCOMPARE(h.size(), w.size());
            int argW = 0, argH = 0;
            for (int v = 0; v < w.size(); ++v) {
                maxDiff = std::max(maxDiff, std::abs(w.at(v).toDouble() - h.at(v).toDouble()));
                if (w.at(v).toDouble() > w.at(argW).toDouble())
                    argW = v;
                if (h.at(v).toDouble() > h.at(argH).toDouble())
                    argH = v;
            }
            QCOMPARE(argH, argW);
        }
        QVERIFY2(maxDiff < 1e-4, qPrintable(QStringLiteral("max |diff| %1").arg(maxDiff)));
    }

    void logitsFromTextUseTheTokenizer()
    {
        const Run r = runQkov({QStringLiteral("logits"), shared + QStringLiteral("/models/stories260K"),
                            QStringLiteral("--text"), QStringLiteral("Once upon a time"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject got = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(got.value(QStringLiteral("tokens")).toArray(), (QJsonArray{1, 403, 407, 261, 378}));
        QCOMPARE(got.value(QStringLiteral("logits")).toArray().size(), 5);
        QCOMPARE(got.value(QStringLiteral("logits")).toArray().at(0).toArray().size(), 512);
    }

    void logitsRejectOutOfRangeIds()
    {
        const Run r = runQkov({QStringLiteral("logits"), shared + QStringLiteral("/models/stories260K"),
                            QStringLiteral("--tokens"), QStringLiteral("1 99999")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.out.isEmpty());
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY(r.err.contains("99999"));
    }

    void tokenizeMatchesReferenceVectors_data()
    {
        QTest::addColumn<QString>("tokenizer");
        QTest::addColumn<QString>("vectors");
        QTest::newRow("stories260K") << shared + QStringLiteral("/models/stories260K") << QStringLiteral("stories260K");
        QTest::newRow("gpt2") << shared + QStringLiteral("/tokenizers/gpt2") << QStringLiteral("gpt2");
        QTest::newRow("bert") << shared + QStringLiteral("/tokenizers/bert-bge") << QStringLiteral("bert");
    }
    void tokenizeMatchesReferenceVectors()
    {
        // The batch form: one JSON string per line in, one JSON object per line out.
        QFETCH(QString, tokenizer);
        QFETCH(QString, vectors);
        const QJsonArray cases = readJson(shared + QStringLiteral("/reference/tokenizer_vectors_%1.json").arg(vectors)).array();
        QVERIFY(!cases.isEmpty());
        QTemporaryDir dir;
        QFile in(dir.filePath(QStringLiteral("texts.jsonl")));
        QVERIFY(in.open(QIODevice::WriteOnly));
        QList<QJsonArray> expected;
        bool special = true;
        for (const QJsonValue &c : cases) {
            const QJsonObject o = c.toObject();
            // The vectors of one file share one add_special_tokens setting.
            special = o.value(QStringLiteral("add_special_tokens")).toBool(vectors == QLatin1String("stories260K"));
            if (o.value(QStringLiteral("text")).toString().isEmpty())
                continue; // an empty line means "no record" in the batch format
            in.write(QJsonDocument(QJsonArray{o.value(QStringLiteral("text"))}).toJson(QJsonDocument::Compact).mid(1).chopped(1) + "\n");
            expected << o.value(QStringLiteral("ids")).toArray();
        }
        in.close();
        QStringList args{QStringLiteral("tokenize"), tokenizer, QStringLiteral("--file"), in.fileName()};
        if (!special)
            args << QStringLiteral("--no-special");
        const Run r = runQkov(args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QList<QByteArray> lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), expected.size());
        for (int i = 0; i < lines.size(); ++i)
            QCOMPARE(QJsonDocument::fromJson(lines[i]).object().value(QStringLiteral("ids")).toArray(), expected[i]);
    }

    void tokenizeTextJson()
    {
        const Run r = runQkov({QStringLiteral("tokenize"), shared + QStringLiteral("/tokenizers/gpt2"), QStringLiteral("--text"),
                            QStringLiteral("Hello world"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("ids")).toArray(), (QJsonArray{15496, 995}));
        QCOMPARE(o.value(QStringLiteral("tokens")).toArray(), (QJsonArray{QStringLiteral("Hello"), QStringLiteral("Ġworld")}));
    }
};

QTEST_GUILESS_MAIN(TestCliEngine)
#include "tst_cli_engine.moc"
