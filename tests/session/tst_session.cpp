// The .qkov session file (core/session, SESSION.md): exact round trip, the
// layout as an independent safetensors parser sees it, the summary JSON,
// damaged files, atomic saving, and the input fingerprints.
#include "Error.h"
#include "SyntheticCheckpoint.h"
#include "IndependentSafeTensors.h"
#include "SyntheticSession.h"
#include "session/InputFingerprints.h"
#include "session/SessionFile.h"
#include "session/SessionSummary.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>

#include <csignal>
#include <cstring>
#include <functional>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace qkov;
using qkov::test::parseIndependently;
using qkov::test::RawFile;
using qkov::test::RawTensor;
using qkov::test::serializeIndependently;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
}

template <typename T>
QByteArray bytesOf(const std::vector<T> &v)
{
    return QByteArray(reinterpret_cast<const char *>(v.data()), qsizetype(v.size() * sizeof(T)));
}

template <typename T>
bool sameBits(const std::vector<T> &a, const std::vector<T> &b)
{
    return bytesOf(a) == bytesOf(b);
}

QString errorOf(const std::function<void()> &f)
{
    try {
        f();
    } catch (const Error &e) {
        return e.message();
    }
    return QString();
}

// The session JSON inside a raw file, edited by `edit`.
void editSessionJson(RawFile &raw, const std::function<void(QJsonObject &)> &edit)
{
    QJsonObject session = QJsonDocument::fromJson(raw.metadata.value(QStringLiteral("qkov.session")).toString().toUtf8()).object();
    edit(session);
    raw.metadata.insert(QStringLiteral("qkov.session"), QString::fromUtf8(QJsonDocument(session).toJson(QJsonDocument::Compact)));
}

void compareResults(const AnalysisResult &a, const AnalysisResult &b)
{
    QCOMPARE(b.modelPath, a.modelPath);
    QCOMPARE(b.modelSha256, a.modelSha256);
    QCOMPARE(b.architecture, a.architecture);
    QCOMPARE(b.layers, a.layers);
    QCOMPARE(b.heads, a.heads);
    QCOMPARE(b.kvHeads, a.kvHeads);
    for (auto [x, y] : {std::pair{&a.taskA, &b.taskA}, std::pair{&a.taskB, &b.taskB}}) {
        QCOMPARE(y->name, x->name);
        QCOMPARE(y->path, x->path);
        QCOMPARE(y->sha256, x->sha256);
        QCOMPARE(y->sampleIds, x->sampleIds);
        QCOMPARE(y->previews, x->previews);
    }
    QCOMPARE(b.settings.toJson(), a.settings.toJson());
    QCOMPARE(b.settings.seed, a.settings.seed);
    for (size_t i = 0; i < 4; ++i) {
        const BlockResult &x = a.blocks[i], &y = b.blocks[i];
        QCOMPARE(y.block, x.block);
        QVERIFY(sameBits(y.scores, x.scores));
        QVERIFY(sameBits(y.heatmap, x.heatmap));
        QVERIFY(sameBits(y.pvalue, x.pvalue));
        QVERIFY(sameBits(y.qvalue, x.qvalue));
        QVERIFY(sameBits(y.z, x.z));
        QVERIFY(sameBits(y.ratio, x.ratio));
        QVERIFY(sameBits(y.ciLow, x.ciLow));
        QVERIFY(sameBits(y.ciHigh, x.ciHigh));
        QVERIFY(y.flagged == x.flagged);
        QCOMPARE(y.ridgeDominatedShare, x.ridgeDominatedShare);
    }
    QCOMPARE(b.topConflicts.size(), a.topConflicts.size());
    for (size_t i = 0; i < a.topConflicts.size(); ++i) {
        const ConflictEntry &x = a.topConflicts[i], &y = b.topConflicts[i];
        QCOMPARE(y.block, x.block);
        QCOMPARE(y.layer, x.layer);
        QCOMPARE(y.head, x.head);
        QCOMPARE(y.sampleA, x.sampleA);
        QCOMPARE(y.sampleB, x.sampleB);
        QCOMPARE(y.score, x.score);
    }
    for (auto [x, y] : {std::pair{&a.fisher, &b.fisher}, std::pair{&a.gradients, &b.gradients}}) {
        QCOMPARE(y->keys(), x->keys());
        for (const QString &name : x->keys()) {
            QVERIFY(y->value(name).shape == x->value(name).shape);
            QVERIFY(sameBits(y->value(name).values, x->value(name).values));
        }
    }
    QCOMPARE(b.timings, a.timings);
    QCOMPARE(b.warnings, a.warnings);
    QCOMPARE(b.uiState, a.uiState);
    QCOMPARE(b.freezeSet, a.freezeSet);
    QCOMPARE(b.seeds, a.seeds);
}

} // namespace

class TestSession : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString path(const QString &name) const { return m_dir.filePath(name); }

    // Writes `raw`, loads it and returns the one error message (empty if it loaded).
    QString loadError(const QString &name, const QByteArray &bytes)
    {
        writeAll(path(name), bytes);
        return errorOf([&] { SessionFile::load(path(name)); });
    }

private Q_SLOTS:
    void roundTripIsExact()
    {
        const AnalysisResult original = test::syntheticResult();
        SessionFile::save(original, path(QStringLiteral("round.qkov")));
        const AnalysisResult loaded = SessionFile::load(path(QStringLiteral("round.qkov")));
        compareResults(original, loaded);
    }

    void layoutAsAnyReaderSeesIt()
    {
        const AnalysisResult r = test::syntheticResult();
        SessionFile::save(r, path(QStringLiteral("layout.qkov")));
        const RawFile raw = parseIndependently(readAll(path(QStringLiteral("layout.qkov"))));

        QCOMPARE(raw.metadata.value(QStringLiteral("qkov.version")).toString(), QStringLiteral("1"));
        QJsonParseError parseError;
        const QJsonObject session = QJsonDocument::fromJson(raw.metadata.value(QStringLiteral("qkov.session")).toString().toUtf8(), &parseError).object();
        QCOMPARE(parseError.error, QJsonParseError::NoError);
        for (const char *key : {"model", "tasks", "settings", "freeze", "seeds", "timings", "warnings", "ui", "blocks", "top_conflicts", "fisher"})
            QVERIFY2(session.contains(QLatin1String(key)), key);
        const QJsonObject model = session.value(QStringLiteral("model")).toObject();
        QCOMPARE(model.value(QStringLiteral("absolute_path")).toString(), r.modelPath);
        QCOMPARE(model.value(QStringLiteral("path")).toString(), QDir(m_dir.path()).relativeFilePath(r.modelPath));
        QCOMPARE(model.value(QStringLiteral("sha256")).toString(), r.modelSha256);
        const QJsonObject taskA = session.value(QStringLiteral("tasks")).toObject().value(QStringLiteral("a")).toObject();
        QCOMPARE(taskA.value(QStringLiteral("sha256")).toString(), r.taskA.sha256);
        QCOMPARE(taskA.value(QStringLiteral("sample_ids")).toArray().size(), 3);
        QCOMPARE(taskA.value(QStringLiteral("previews")).toArray().at(2).toString(), r.taskA.previews[2]);
        QCOMPARE(session.value(QStringLiteral("settings")).toObject().value(QStringLiteral("permutations")).toInt(), 200);

        const std::vector<int64_t> cells{2, 3};
        int expectedCount = 0;
        const auto expect = [&](const QString &name, const char *dtype, const std::vector<int64_t> &shape, const QByteArray &bytes) {
            ++expectedCount;
            QVERIFY2(raw.tensors.contains(name), qPrintable(name));
            const RawTensor &t = raw.tensors[name];
            QVERIFY2(t.dtype == QLatin1String(dtype), qPrintable(name + QStringLiteral(" ") + t.dtype));
            QVERIFY2(t.shape == shape, qPrintable(name));
            QVERIFY2(t.bytes == bytes, qPrintable(name));
        };
        for (const BlockResult &b : r.blocks) {
            expect(QStringLiteral("scores.") + b.block, "F32", {3, 4, 2, 3}, bytesOf(b.scores));
            expect(QStringLiteral("heatmap.") + b.block, "F32", cells, bytesOf(b.heatmap));
            expect(QStringLiteral("pvalue.") + b.block, "F64", cells, bytesOf(b.pvalue));
            expect(QStringLiteral("qvalue.") + b.block, "F64", cells, bytesOf(b.qvalue));
            expect(QStringLiteral("z.") + b.block, "F64", cells, bytesOf(b.z));
            expect(QStringLiteral("ratio.") + b.block, "F64", cells, bytesOf(b.ratio));
            expect(QStringLiteral("ci_low.") + b.block, "F64", cells, bytesOf(b.ciLow));
            expect(QStringLiteral("ci_high.") + b.block, "F64", cells, bytesOf(b.ciHigh));
            expect(QStringLiteral("flagged.") + b.block, "U8", cells, bytesOf(b.flagged));
        }
        for (auto it = r.fisher.cbegin(); it != r.fisher.cend(); ++it)
            expect(QStringLiteral("fisher.") + it.key(), "F32", it.value().shape, bytesOf(it.value().values));
        for (auto it = r.gradients.cbegin(); it != r.gradients.cend(); ++it)
            expect(it.key(), "F32", it.value().shape, bytesOf(it.value().values));
        QCOMPARE(raw.tensors.size(), expectedCount);
    }

    void summaryAgreesWithTensors()
    {
        const AnalysisResult r = test::syntheticResult();
        SessionFile::save(r, path(QStringLiteral("summary.qkov")));
        const RawFile raw = parseIndependently(readAll(path(QStringLiteral("summary.qkov"))));
        const QJsonObject summary = sessionSummaryJson(SessionFile::load(path(QStringLiteral("summary.qkov"))));

        QCOMPARE(summary.value(QStringLiteral("model")).toString(), r.modelPath);
        const QJsonObject tasks = summary.value(QStringLiteral("tasks")).toObject();
        QCOMPARE(tasks.value(QStringLiteral("a")).toObject().value(QStringLiteral("n")).toInt(), 3);
        QCOMPARE(tasks.value(QStringLiteral("b")).toObject().value(QStringLiteral("n")).toInt(), 4);
        QCOMPARE(tasks.value(QStringLiteral("b")).toObject().value(QStringLiteral("name")).toString(), r.taskB.name);
        const QJsonObject blocks = summary.value(QStringLiteral("blocks")).toObject();
        QCOMPARE(blocks.keys(), QStringList({"K", "O", "Q", "V"}));
        for (const QString &b : blocks.keys()) {
            const QJsonObject block = blocks.value(b).toObject();
            const auto tensorValue = [&](const char *prefix, int index) {
                const RawTensor &t = raw.tensors[QLatin1String(prefix) + QLatin1Char('.') + b];
                if (t.dtype == QLatin1String("F32"))
                    return double(qFromLittleEndian<float>(t.bytes.constData() + 4 * index));
                if (t.dtype == QLatin1String("U8"))
                    return double(uchar(t.bytes[index]));
                return qFromLittleEndian<double>(t.bytes.constData() + 8 * index);
            };
            for (int l = 0; l < 2; ++l) {
                for (int h = 0; h < 3; ++h) {
                    const int cell = l * 3 + h;
                    const auto at = [&](const char *key) { return block.value(QLatin1String(key)).toArray().at(l).toArray().at(h); };
                    QCOMPARE(at("heatmap").toDouble(), tensorValue("heatmap", cell));
                    QCOMPARE(at("p").toDouble(), tensorValue("pvalue", cell));
                    QCOMPARE(at("q").toDouble(), tensorValue("qvalue", cell));
                    const double z = tensorValue("z", cell);
                    QVERIFY(std::isnan(z) ? at("z").isNull() : at("z").toDouble() == z); // JSON has no NaN
                    QCOMPARE(at("flagged").toBool(), tensorValue("flagged", cell) != 0);
                }
            }
        }
        const QJsonArray conflicts = summary.value(QStringLiteral("top_conflicts")).toArray();
        QCOMPARE(conflicts.size(), qsizetype(r.topConflicts.size()));
        const QJsonObject first = conflicts.at(0).toObject();
        QCOMPARE(first.value(QStringLiteral("sample_a")).toString(), r.taskA.sampleIds[r.topConflicts[0].sampleA]);
        QCOMPARE(first.value(QStringLiteral("sample_b")).toString(), r.taskB.sampleIds[r.topConflicts[0].sampleB]);
        QCOMPARE(first.value(QStringLiteral("score")).toDouble(), r.topConflicts[0].score);
        QCOMPARE(summary.value(QStringLiteral("timings")).toObject().value(QStringLiteral("collect")).toDouble(), 1.25);
    }

    void damagedFiles_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("needle");
        const QString good = path(QStringLiteral("good.qkov"));
        SessionFile::save(test::syntheticResult(), good);
        const QByteArray bytes = readAll(good);
        const RawFile raw = parseIndependently(bytes);
        const auto edited = [&](const std::function<void(RawFile &)> &edit) {
            RawFile copy = raw;
            edit(copy);
            return serializeIndependently(copy);
        };
        const auto editedJson = [&](const std::function<void(QJsonObject &)> &edit) {
            return edited([&](RawFile &f) { editSessionJson(f, edit); });
        };

        QTest::newRow("truncated") << bytes.left(bytes.size() / 2) << "";
        QTest::newRow("empty") << QByteArray() << "";
        QByteArray garbage = bytes;
        for (int i = 8; i < 40; ++i)
            garbage[i] = '#';
        QTest::newRow("header garbage") << garbage << "";
        QTest::newRow("missing tensor") << edited([](RawFile &f) { f.tensors.remove(QStringLiteral("qvalue.K")); }) << "'qvalue.K' is missing";
        QTest::newRow("missing fisher") << edited([](RawFile &f) { f.tensors.remove(QStringLiteral("fisher.model.layers.1.self_attn.o_proj.weight")); })
                                        << "'fisher.model.layers.1.self_attn.o_proj.weight' is missing";
        QTest::newRow("wrong shape") << edited([](RawFile &f) { f.tensors[QStringLiteral("scores.V")].shape = {4, 3, 2, 3}; })
                                     << "'scores.V' has shape [4, 3, 2, 3], expected [3, 4, 2, 3]";
        QTest::newRow("wrong dtype") << edited([](RawFile &f) { f.tensors[QStringLiteral("heatmap.O")].dtype = QStringLiteral("I32"); })
                                     << "'heatmap.O' is I32, expected F32";
        QTest::newRow("json heads differ") << editedJson([](QJsonObject &s) {
            QJsonObject model = s.value(QStringLiteral("model")).toObject();
            model.insert(QStringLiteral("heads"), 4);
            s.insert(QStringLiteral("model"), model);
        }) << "has shape [3, 4, 2, 3], expected [3, 4, 2, 4]";
        QTest::newRow("flag not 0/1") << edited([](RawFile &f) { f.tensors[QStringLiteral("flagged.Q")].bytes[2] = char(7); }) << "'flagged.Q' holds 7";
        QTest::newRow("newer version") << edited([](RawFile &f) { f.metadata.insert(QStringLiteral("qkov.version"), QStringLiteral("7")); })
                                       << "this session was written by a newer QKOV Workbench (format version 7; this build reads up to 1)";
        QTest::newRow("version text") << edited([](RawFile &f) { f.metadata.insert(QStringLiteral("qkov.version"), QStringLiteral("one")); })
                                      << "format version 'one' is not a whole number";
        QTest::newRow("no version") << edited([](RawFile &f) { f.metadata.remove(QStringLiteral("qkov.version")); }) << "is not a QKOV session";
        QTest::newRow("no session json") << edited([](RawFile &f) { f.metadata.remove(QStringLiteral("qkov.session")); }) << "metadata has no qkov.session";
        QTest::newRow("non-JSON session") << edited([](RawFile &f) { f.metadata.insert(QStringLiteral("qkov.session"), QStringLiteral("{model: ")); })
                                          << "qkov.session is not valid JSON";
        QTest::newRow("JSON array session") << edited([](RawFile &f) { f.metadata.insert(QStringLiteral("qkov.session"), QStringLiteral("[1]")); })
                                            << "qkov.session is not a JSON object";
        QTest::newRow("layers as string") << editedJson([](QJsonObject &s) {
            QJsonObject model = s.value(QStringLiteral("model")).toObject();
            model.insert(QStringLiteral("layers"), QStringLiteral("2"));
            s.insert(QStringLiteral("model"), model);
        }) << "'model.layers' must be a number";
        QTest::newRow("tasks missing") << editedJson([](QJsonObject &s) { s.remove(QStringLiteral("tasks")); }) << "'tasks' is missing";
        QTest::newRow("sample id type") << editedJson([](QJsonObject &s) {
            QJsonObject tasks = s.value(QStringLiteral("tasks")).toObject();
            QJsonObject b = tasks.value(QStringLiteral("b")).toObject();
            b.insert(QStringLiteral("sample_ids"), QJsonArray{1, 2, 3, 4});
            tasks.insert(QStringLiteral("b"), b);
            s.insert(QStringLiteral("tasks"), tasks);
        }) << "'tasks.b.sample_ids[0]' must be a string";
        QTest::newRow("conflict out of range") << editedJson([](QJsonObject &s) {
            QJsonArray conflicts = s.value(QStringLiteral("top_conflicts")).toArray();
            QJsonObject c = conflicts.at(0).toObject();
            c.insert(QStringLiteral("layer"), 9);
            conflicts.replace(0, c);
            s.insert(QStringLiteral("top_conflicts"), conflicts);
        }) << "'top_conflicts[0].layer' must be a whole number from 0 to 1, not 9";
        QTest::newRow("bad setting") << editedJson([](QJsonObject &s) {
            QJsonObject settings = s.value(QStringLiteral("settings")).toObject();
            settings.insert(QStringLiteral("permutations"), -1);
            s.insert(QStringLiteral("settings"), settings);
        }) << "--permutations: must be at least 0, got -1";
        QTest::newRow("setting type") << editedJson([](QJsonObject &s) {
            QJsonObject settings = s.value(QStringLiteral("settings")).toObject();
            settings.insert(QStringLiteral("fisher"), 3);
            s.insert(QStringLiteral("settings"), settings);
        }) << "setting 'fisher' must be a string, got a number";
        QTest::newRow("unknown block") << editedJson([](QJsonObject &s) {
            QJsonObject blocks = s.value(QStringLiteral("blocks")).toObject();
            blocks.insert(QStringLiteral("X"), QJsonObject{{QStringLiteral("ridge_dominated_share"), 0}});
            s.insert(QStringLiteral("blocks"), blocks);
        }) << "'blocks.X' is not a block";
        QTest::newRow("gradient count") << editedJson([](QJsonObject &s) {
            s.insert(QStringLiteral("gradients"), QJsonObject{{QStringLiteral("grad.b.x"), QJsonArray{3, 6, 4}}});
        }) << "'grad.b.x' of shape [3, 6, 4] does not match";
    }
    void damagedFiles()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, needle);
        const QString file = path(QStringLiteral("damaged.qkov"));
        const QString message = loadError(QStringLiteral("damaged.qkov"), bytes);
        QVERIFY2(message.startsWith(file + QStringLiteral(": ")), qPrintable(message));
        QVERIFY2(message.contains(needle), qPrintable(message));
        QVERIFY2(!message.contains(QLatin1Char('\n')), qPrintable(message));
        QVERIFY2(message.size() < 300, qPrintable(message));
    }

    void missingFile()
    {
        const QString missing = path(QStringLiteral("nope.qkov"));
        QVERIFY(errorOf([&] { SessionFile::load(missing); }).startsWith(missing + QStringLiteral(": ")));
    }

    void saveRefusesInconsistentResults()
    {
        const QString file = path(QStringLiteral("inconsistent.qkov"));
        AnalysisResult r = test::syntheticResult();
        r.blocks[1].heatmap.pop_back();
        QCOMPARE(errorOf([&] { SessionFile::save(r, file); }), file + QStringLiteral(": cannot be saved: block K has 5 heatmap values, expected 6"));
        r = test::syntheticResult();
        r.topConflicts[0].sampleB = 4;
        QVERIFY(errorOf([&] { SessionFile::save(r, file); }).contains(QStringLiteral("lies outside the results")));
        r = test::syntheticResult();
        r.gradients.insert(QStringLiteral("grad.math.w"), r.gradients.first());
        QVERIFY(errorOf([&] { SessionFile::save(r, file); }).contains(QStringLiteral("is not named grad.a.<name>")));
        r = test::syntheticResult();
        r.settings.alpha = 2;
        QVERIFY(errorOf([&] { SessionFile::save(r, file); }).contains(QStringLiteral("--alpha")));
        QVERIFY(!QFile::exists(file));
        // Into a folder that does not exist: an error naming the file, not a crash.
        const QString nowhere = path(QStringLiteral("no/such/dir/s.qkov"));
        QVERIFY(errorOf([&] { SessionFile::save(test::syntheticResult(), nowhere); }).startsWith(nowhere + QStringLiteral(": ")));
    }

    void resultWithoutBlocksRoundTrips()
    {
        AnalysisResult r = test::syntheticResult();
        for (int b = 0; b < 4; ++b) {
            r.blocks[size_t(b)] = BlockResult();
            r.blocks[size_t(b)].block = AnalysisResult::blockName(b);
        }
        r.topConflicts.clear();
        SessionFile::save(r, path(QStringLiteral("empty.qkov")));
        const AnalysisResult loaded = SessionFile::load(path(QStringLiteral("empty.qkov")));
        QVERIFY(loaded.isEmpty());
        compareResults(r, loaded);
    }

    // A write that fails half-way (file size limit, as a full disk would) keeps
    // the old session and leaves no temporary file. Works as root too.
    void failedSaveKeepsOldFile()
    {
        QTemporaryDir folder;
        const QString file = folder.filePath(QStringLiteral("s.qkov"));
        SessionFile::save(test::syntheticResult(), file);
        const QByteArray before = readAll(file);
        const pid_t child = fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            signal(SIGXFSZ, SIG_IGN);
            const rlimit limit{1024, 1024};
            setrlimit(RLIMIT_FSIZE, &limit);
            const QString message = errorOf([&] { SessionFile::save(test::syntheticResult(4, 5, 3, 4, 99), file); });
            _exit(message.isEmpty() ? 3 : message.startsWith(file + QStringLiteral(": ")) ? 0 : 4);
        }
        int status = 0;
        QCOMPARE(waitpid(child, &status, 0), child);
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), 0);
        QCOMPARE(readAll(file), before);
        QCOMPARE(QDir(folder.path()).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("s.qkov")});
        compareResults(test::syntheticResult(), SessionFile::load(file));
    }

    void fingerprints()
    {
        // FIPS 180-2 test vector: SHA-256("abc").
        writeAll(path(QStringLiteral("abc.txt")), "abc");
        QCOMPARE(sha256OfFile(path(QStringLiteral("abc.txt"))),
                 QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        QVERIFY(errorOf([&] { sha256OfFile(path(QStringLiteral("missing"))); }).startsWith(path(QStringLiteral("missing"))));

        const QString model = path(QStringLiteral("fp-model"));
        test::writeCheckpoint(model, {}, {{QStringLiteral("w"), {2, 3}}});
        const QString weights = model + QStringLiteral("/model.safetensors");
        const QByteArray bytes = readAll(weights);
        const quint64 length = qFromLittleEndian<quint64>(bytes.constData());
        const QString expected = QString::fromLatin1(QCryptographicHash::hash(bytes.left(8 + qsizetype(length)), QCryptographicHash::Sha256).toHex());
        QCOMPARE(modelHeaderSha256({weights}), expected);
        QCOMPARE(modelFingerprint(model), expected);
        QCOMPARE(modelFingerprint(weights), expected);
        test::writeCheckpoint(model, {}, {{QStringLiteral("w"), {3, 2}}});
        QVERIFY(modelFingerprint(model) != expected);
        writeAll(path(QStringLiteral("bad.safetensors")), QByteArray("\xff\xff\xff\xff\xff\xff\xff\x00{}", 10));
        QVERIFY(errorOf([&] { modelHeaderSha256({path(QStringLiteral("bad.safetensors"))}); }).contains(QStringLiteral("is not a safetensors file")));
    }

    // A project folder (session, model, datasets) that moves keeps working;
    // edits to the inputs afterwards are reported, the session still loads.
    void movedProjectAndChangedInputs()
    {
        QTemporaryDir root;
        const QString project = root.filePath(QStringLiteral("project"));
        QDir().mkpath(project + QStringLiteral("/data"));
        test::writeCheckpoint(project + QStringLiteral("/model"), {}, {{QStringLiteral("w"), {4, 4}}});
        writeAll(project + QStringLiteral("/data/a.txt"), "one\ntwo\nthree\n");
        writeAll(project + QStringLiteral("/data/b.txt"), "four\nfive\nsix\nseven\n");
        AnalysisResult r = test::syntheticResult();
        r.modelPath = project + QStringLiteral("/model");
        r.modelSha256 = modelFingerprint(r.modelPath);
        r.taskA.path = project + QStringLiteral("/data/a.txt");
        r.taskA.sha256 = sha256OfFile(r.taskA.path);
        r.taskB.path = project + QStringLiteral("/data/b.txt");
        r.taskB.sha256 = sha256OfFile(r.taskB.path);
        SessionFile::save(r, project + QStringLiteral("/s.qkov"));
        QCOMPARE(changedInputs(SessionFile::load(project + QStringLiteral("/s.qkov"))), QStringList());

        const QString moved = root.filePath(QStringLiteral("moved"));
        QVERIFY(QDir().rename(project, moved));
        const AnalysisResult loaded = SessionFile::load(moved + QStringLiteral("/s.qkov"));
        QCOMPARE(loaded.modelPath, moved + QStringLiteral("/model"));
        QCOMPARE(loaded.taskA.path, moved + QStringLiteral("/data/a.txt"));
        QCOMPARE(loaded.taskB.path, moved + QStringLiteral("/data/b.txt"));
        QCOMPARE(changedInputs(loaded), QStringList());

        writeAll(moved + QStringLiteral("/data/a.txt"), "one\ntwo\nthree!\n");
        QVERIFY(QFile::remove(moved + QStringLiteral("/data/b.txt")));
        test::writeCheckpoint(moved + QStringLiteral("/model"), {}, {{QStringLiteral("w"), {4, 5}}});
        const QStringList changes = changedInputs(SessionFile::load(moved + QStringLiteral("/s.qkov")));
        QCOMPARE(changes.size(), 3);
        QVERIFY2(changes[0].contains(QStringLiteral("model")) && changes[0].contains(QStringLiteral("has changed")), qPrintable(changes[0]));
        QVERIFY2(changes[1].contains(moved + QStringLiteral("/data/a.txt")) && changes[1].contains(QStringLiteral("has changed")), qPrintable(changes[1]));
        // b.txt is gone: the relative path no longer resolves, the absolute one names the original place.
        QVERIFY2(changes[2].contains(QStringLiteral("cannot be checked")) && changes[2].contains(QStringLiteral("b.txt")), qPrintable(changes[2]));
    }
};

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
