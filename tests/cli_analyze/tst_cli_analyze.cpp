// `qkov analyze` end to end on stories260K: the session file read back by the
// tests' own minimal safetensors parser (every SESSION.md tensor with its
// shape; the JSON summary agrees with the tensors), --csv, --pdf (rendered
// by pdftoppm when present), and the command-line contract.
#include "CliRun.h"

#include "IndependentSafeTensors.h"

#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <cstring>

namespace {

using Run = qkov::test::CliRun;

Run runQkov(const QStringList &args)
{
    return qkov::test::runCli(args);
}

const QString model = QStringLiteral(QKOV_SHARED_DIR "/models/stories260K");
const QString taskA = QStringLiteral("stories=" QKOV_EXAMPLES_DIR "/stories.txt");
const QString taskB = QStringLiteral("numbers=" QKOV_EXAMPLES_DIR "/numbers.txt");

} // namespace

class TestCliAnalyze : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void analyzeWritesAReadableSession()
    {
        QTemporaryDir dir;
        const QString session = dir.filePath(QStringLiteral("s.qkov"));
        const QString csv = dir.filePath(QStringLiteral("top.csv"));
        const QString pdf = dir.filePath(QStringLiteral("figures"));
        const Run r = runQkov({QStringLiteral("analyze"), model, QStringLiteral("--task-a"), taskA, QStringLiteral("--task-b"), taskB,
                            QStringLiteral("--out"), session, QStringLiteral("--max-samples"), QStringLiteral("12"),
                            QStringLiteral("--permutations"), QStringLiteral("200"), QStringLiteral("--bootstrap"), QStringLiteral("100"),
                            QStringLiteral("--top-k"), QStringLiteral("20"), QStringLiteral("--csv"), csv, QStringLiteral("--pdf"), pdf,
                            QStringLiteral("--json"), QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonParseError error;
        const QJsonObject summary = QJsonDocument::fromJson(r.out, &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString())); // exactly one document
        QCOMPARE(summary.value(QStringLiteral("tasks")).toObject().value(QStringLiteral("a")).toObject().value(QStringLiteral("n")).toInt(), 12);
        QCOMPARE(summary.value(QStringLiteral("tasks")).toObject().value(QStringLiteral("b")).toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("numbers"));
        QCOMPARE(summary.value(QStringLiteral("top_conflicts")).toArray().size(), 20);
        QVERIFY(summary.contains(QStringLiteral("timings")));

        QFile file(session);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const qkov::test::RawFile raw = qkov::test::parseIndependently(file.readAll());
        QVERIFY(raw.metadata.contains(QStringLiteral("qkov.session")));
        QCOMPARE(raw.metadata.value(QStringLiteral("qkov.version")).toString(), QStringLiteral("1"));
        const int L = 5, H = 8, nA = 12, nB = 12;
        const QJsonObject blocks = summary.value(QStringLiteral("blocks")).toObject();
        for (const QString &b : {QStringLiteral("Q"), QStringLiteral("K"), QStringLiteral("V"), QStringLiteral("O")}) {
            const auto expect = [&](const QString &name, const char *dtype, std::vector<int64_t> shape) {
                QVERIFY2(raw.tensors.contains(name), qPrintable(name));
                QCOMPARE(raw.tensors[name].dtype, QLatin1String(dtype));
                QCOMPARE(raw.tensors[name].shape, shape);
            };
            expect(QStringLiteral("scores.") + b, "F32", {nA, nB, L, H});
            expect(QStringLiteral("heatmap.") + b, "F32", {L, H});
            for (const char *stat : {"pvalue.", "qvalue.", "z.", "ci_low.", "ci_high."})
                expect(QLatin1String(stat) + b, "F64", {L, H});
            expect(QStringLiteral("flagged.") + b, "U8", {L, H});
            // The summary's heatmap, p and flags are the tensors' values, and the heatmap is the mean of the scores.
            const QByteArray &heat = raw.tensors[QStringLiteral("heatmap.") + b].bytes;
            const QByteArray &scores = raw.tensors[QStringLiteral("scores.") + b].bytes;
            const QByteArray &p = raw.tensors[QStringLiteral("pvalue.") + b].bytes;
            const QByteArray &flags = raw.tensors[QStringLiteral("flagged.") + b].bytes;
            const QJsonObject block = blocks.value(b).toObject();
            for (int l = 0; l < L; ++l)
                for (int h = 0; h < H; ++h) {
                    float v;
                    std::memcpy(&v, heat.constData() + 4 * (l * H + h), 4);
                    double sum = 0;
                    for (int i = 0; i < nA * nB; ++i) {
                        float s;
                        std::memcpy(&s, scores.constData() + 4 * (i * L * H + l * H + h), 4);
                        sum += s;
                    }
                    QVERIFY(std::abs(sum / (nA * nB) - v) <= 1e-5 * std::abs(v) + 1e-12);
                    const double jsonHeat = block.value(QStringLiteral("heatmap")).toArray().at(l).toArray().at(h).toDouble();
                    QVERIFY(std::abs(jsonHeat - v) <= 1e-6 * std::abs(v) + 1e-12);
                    double pv;
                    std::memcpy(&pv, p.constData() + 8 * (l * H + h), 8);
                    QCOMPARE(block.value(QStringLiteral("p")).toArray().at(l).toArray().at(h).toDouble(), pv);
                    QVERIFY(pv > 0 && pv <= 1);
                    QCOMPARE(block.value(QStringLiteral("flagged")).toArray().at(l).toArray().at(h).toBool(),
                             flags.at(l * H + h) != 0);
                }
        }
        // The Fisher reference of every attention weight, in the checkpoint layout.
        QCOMPARE(raw.tensors[QStringLiteral("fisher.model.layers.0.self_attn.q_proj.weight")].shape, (std::vector<int64_t>{64, 64}));
        QCOMPARE(raw.tensors[QStringLiteral("fisher.model.layers.4.self_attn.k_proj.weight")].shape, (std::vector<int64_t>{32, 64}));

        QFile table(csv);
        QVERIFY(table.open(QIODevice::ReadOnly));
        QCOMPARE(table.readAll().count('\n'), 21); // header + top-k

        for (const char *name : {"heatmap_Q.pdf", "heatmap_K.pdf", "heatmap_V.pdf", "heatmap_O.pdf", "block_comparison.pdf"}) {
            const QString path = pdf + QLatin1Char('/') + QLatin1String(name);
            QVERIFY2(QFileInfo(path).size() > 1000, name);
            const QString pdftoppm = QStandardPaths::findExecutable(QStringLiteral("pdftoppm"));
            if (pdftoppm.isEmpty())
                continue;
            QProcess render;
            render.start(pdftoppm, {QStringLiteral("-r"), QStringLiteral("50"), QStringLiteral("-png"), QStringLiteral("-singlefile"), path,
                                    dir.filePath(QStringLiteral("page"))});
            QVERIFY(render.waitForFinished(60000));
            const QImage page(dir.filePath(QStringLiteral("page.png")));
            QVERIFY(!page.isNull());
            int nonWhite = 0;
            for (int y = 0; y < page.height(); ++y)
                for (int x = 0; x < page.width(); ++x)
                    nonWhite += page.pixel(x, y) != qRgb(255, 255, 255);
            QVERIFY2(nonWhite > page.width() * page.height() / 20, name); // a real figure, not a blank page
        }

        // The session summarises through `qkov session`.
        const Run s = runQkov({QStringLiteral("session"), session, QStringLiteral("--json")});
        QVERIFY2(s.exitCode == 0, s.err.constData());
        QCOMPARE(QJsonDocument::fromJson(s.out).object().value(QStringLiteral("blocks")).toObject().value(QStringLiteral("V")),
                 blocks.value(QStringLiteral("V")));
    }

    void badInputsAreOneLineErrors_data()
    {
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("missing dataset") << QStringList{QStringLiteral("--task-b"), QStringLiteral("b=/nonexistent/b.txt")} << 1 << "/nonexistent/b.txt";
        QTest::newRow("bad fisher") << QStringList{QStringLiteral("--fisher"), QStringLiteral("median")} << 1 << "--fisher";
        QTest::newRow("bad permutations") << QStringList{QStringLiteral("--permutations"), QStringLiteral("many")} << 1 << "--permutations";
        QTest::newRow("bad freeze") << QStringList{QStringLiteral("--freeze"), QStringLiteral("L9.H0:qk")} << 1 << "--freeze";
        QTest::newRow("unknown flag") << QStringList{QStringLiteral("--frobnicate")} << 2 << "frobnicate";
    }
    void badInputsAreOneLineErrors()
    {
        QFETCH(QStringList, extra);
        QFETCH(int, exitCode);
        QFETCH(QString, mentions);
        QTemporaryDir dir;
        QStringList args{QStringLiteral("analyze"), model, QStringLiteral("--task-a"), taskA};
        if (!extra.contains(QStringLiteral("--task-b")))
            args << QStringLiteral("--task-b") << taskB;
        args << QStringLiteral("--out") << dir.filePath(QStringLiteral("s.qkov")) << QStringLiteral("--quiet") << extra;
        const Run r = runQkov(args);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY(r.out.isEmpty());
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY2(r.err.contains(mentions.toUtf8()), r.err.constData());
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("s.qkov")))); // nothing half-written
    }
};

QTEST_GUILESS_MAIN(TestCliAnalyze)
#include "tst_cli_analyze.moc"
