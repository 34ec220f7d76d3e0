// Resource limits against hostile or oversized inputs: JSON files far larger
// than any real one are refused from their size, before a byte is read; a
// tokenizer.json with a million BPE merges loads in bounded time (linear
// work), and a bad merge deep inside it is refused clearly; dataset files
// are streamed, so their size is not bounded by memory.
#include "ChildProcess.h"
#include "Error.h"
#include "data/RecordReader.h"
#include "io/TensorStore.h"
#include "model/ModelConfig.h"
#include "tokenizer/Tokenizer.h"

#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <sys/resource.h>

using namespace qkov;

namespace {

QString errorOf(const std::function<void()> &f)
{
    try {
        f();
    } catch (const Error &e) {
        return e.message();
    }
    return QString();
}

// A file of `size` bytes that takes no disk space (a hole) and whose first
// bytes start a JSON object, as a truncated download or a hostile file could.
void writeSparse(const QString &path, qint64 size)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QVERIFY(file.write("{\"model\": ") == 10);
    QVERIFY(file.resize(size));
}

void writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(bytes), bytes.size());
}

qint64 peakRssKiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

// A BPE tokenizer.json over `base` CJK characters with every ordered pair of
// them as a merge (base^2 merges and as many merged tokens).
QByteArray manyMergesTokenizer(int base, const QString &badMerge = QString())
{
    QStringList chars;
    for (int i = 0; i < base; ++i)
        chars << QString(QChar(0x4E00 + i));
    QByteArray vocab, merges;
    vocab.reserve(qsizetype(base) * base * 16);
    merges.reserve(qsizetype(base) * base * 12);
    const auto addToken = [&](const QByteArray &token, int id) {
        vocab.append(vocab.isEmpty() ? "\"" : ",\"").append(token).append("\":").append(QByteArray::number(id));
    };
    const auto addMerge = [&](const QByteArray &merge) {
        merges.append(merges.isEmpty() ? "\"" : ",\"").append(merge).append('"');
    };
    int id = 0;
    for (const QString &c : chars)
        addToken(c.toUtf8(), id++);
    for (int i = 0; i < base; ++i)
        for (int j = 0; j < base; ++j) {
            const QByteArray left = chars[i].toUtf8(), right = chars[j].toUtf8();
            addToken(left + right, id++);
            addMerge(left + ' ' + right);
        }
    if (!badMerge.isEmpty())
        addMerge(badMerge.toUtf8());
    return "{\"model\":{\"type\":\"BPE\",\"vocab\":{" + vocab + "},\"merges\":[" + merges + "]},"
           "\"pre_tokenizer\":{\"type\":\"WhitespaceSplit\"}}";
}

} // namespace

class TestReliabilityLimits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void hugeJsonIsRefusedBeforeReading_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<qint64>("size");
        QTest::addColumn<QString>("problem");
        QTest::newRow("tokenizer.json") << QStringLiteral("tokenizer.json") << (qint64(3) << 30) << QStringLiteral("too large for a tokenizer file");
        QTest::newRow("tokenizer_config.json") << QStringLiteral("tokenizer_config.json") << (qint64(300) << 20) << QStringLiteral("too large for a tokenizer file");
        QTest::newRow("config.json") << QStringLiteral("config.json") << (qint64(3) << 30) << QStringLiteral("far too large for a config.json");
        QTest::newRow("index.json") << QStringLiteral("model.safetensors.index.json") << (qint64(3) << 30) << QStringLiteral("too large for a shard index");
    }

    void hugeJsonIsRefusedBeforeReading()
    {
        QFETCH(QString, file);
        QFETCH(qint64, size);
        QFETCH(QString, problem);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(file);
        writeSparse(path, size);
        if (file == QLatin1String("tokenizer_config.json"))
            writeBytes(dir.filePath(QStringLiteral("tokenizer.json")), manyMergesTokenizer(4));
        const qint64 peakBefore = peakRssKiB();
        const QString message = errorOf([&] {
            if (file.startsWith(QLatin1String("tokenizer")))
                Tokenizer::fromFolder(dir.path());
            else if (file == QLatin1String("config.json"))
                ModelConfig::fromFile(path);
            else
                TensorStore::openFolder(dir.path());
        });
        QVERIFY2(message.startsWith(path + QStringLiteral(": ")) && message.contains(problem), qPrintable(message));
        // Reading even a tenth of the file would show in the peak resident size.
        QVERIFY2(peakRssKiB() - peakBefore < (size >> 10) / 10, qPrintable(QString::number(peakRssKiB() - peakBefore)));
    }

    void millionMergesLoadInBoundedTime()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("tokenizer.json"));
        const int base = 1000; // 1,000,000 merges, 1,001,000 tokens, ~25 MB of JSON
        writeBytes(path, manyMergesTokenizer(base));
        QElapsedTimer timer;
        timer.start();
        const auto tokenizer = Tokenizer::fromFiles(path);
        const qint64 elapsed = timer.elapsed();
        qInfo("1,000,000 merges loaded in %lld ms", elapsed);
        QCOMPARE(tokenizer->vocabSize(), base + base * base);
        // Merges apply: two characters become their merged token.
        const QString pair = QString(QChar(0x4E00 + 998)) + QChar(0x4E00 + 7);
        QCOMPARE(tokenizer->encode(pair, false), std::vector<int>{base + 998 * base + 7});
        // A hang guard, not a benchmark: linear loading takes seconds even
        // under sanitizers; anything quadratic in the merges takes hours.
        QVERIFY2(elapsed < 180000, qPrintable(QString::number(elapsed)));

        // A bad merge at the very end is found and named.
        writeBytes(path, manyMergesTokenizer(300, QStringLiteral("\u4e00 nowhere")));
        const QString message = errorOf([&] { Tokenizer::fromFiles(path); });
        QVERIFY2(message.startsWith(path + QStringLiteral(": ")) && message.contains(QStringLiteral("merge 90000 ")),
                 qPrintable(message));
    }

    // Found by fuzz_tokenizer_json: a vocabulary id past INT_MAX was
    // converted to int before its range was checked (undefined behaviour,
    // an abort under UBSan).
    void vocabularyIdPastIntMaxIsRefused()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("tokenizer.json"));
        for (const QByteArray &id : {QByteArray("5.55556e+10"), QByteArray("2147483648"), QByteArray("1e300")}) {
            writeBytes(path, "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":" + id + "},\"merges\":[]}}");
            const QString message = errorOf([&] { Tokenizer::fromFiles(path); });
            QVERIFY2(message == path + QStringLiteral(": the BPE vocabulary gives \"b\" an invalid id."), qPrintable(message));
        }
    }

    // Found by fuzz_tokenizer_json: a post-processor's special-token id past
    // the vocabulary was emitted by encode() (and would index past the
    // model's embedding table).
    void postProcessorIdOutsideVocabularyIsRefused()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("tokenizer.json"));
        writeBytes(path, R"({"model":{"type":"WordLevel","unk_token":"<unk>","vocab":{"<unk>":0,"<s>":1,"</s>":2,"a":3}},)"
                         R"("pre_tokenizer":{"type":"WhitespaceSplit"},)"
                         R"("post_processor":{"type":"RobertaProcessing","sep":["</s>",4],"cls":["<s>",1]}})");
        const QString message = errorOf([&] { Tokenizer::fromFiles(path); });
        QCOMPARE(message, path + QStringLiteral(": the post-processor adds token id 4, which is not in the vocabulary of 4 tokens."));
    }

    void datasetsAreStreamed()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("large.jsonl"));
        // 96 MiB of JSONL with a NUL byte (a binary tail) in its very last line.
        const qint64 lines = 800000;
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            QByteArray chunk;
            for (qint64 i = 0; i < lines; ++i) {
                chunk += "{\"id\": \"r" + QByteArray::number(i) + "\", \"text\": \"" + QByteArray(100, 'a' + char(i % 26)) + "\"}\n";
                if (chunk.size() > (1 << 20) || i + 1 == lines) {
                    QCOMPARE(file.write(chunk), chunk.size());
                    chunk.clear();
                }
            }
            QVERIFY(file.write(QByteArray("{\"text\": \"binary\0\"}\n", 20)) == 20);
        }
        QVERIFY(QFileInfo(path).size() > (qint64(90) << 20));

        // A consumer that has enough stops the reading: the tail is never seen.
        qint64 seen = 0;
        readTaskRecords(path, DatasetFormat::Auto, [&](const TaskRecord &r) { return ++seen < 10 && !r.text.isEmpty(); });
        QCOMPARE(seen, qint64(10));

        // Reading it all holds one line at a time: the peak resident size of a
        // child that reads every record grows far less than the file's size.
        const int code = test::runInChild(-1, [&] {
            const qint64 before = peakRssKiB();
            qint64 records = 0;
            QString error = errorOf([&] { readTaskRecords(path, DatasetFormat::Jsonl, [&](const TaskRecord &) { ++records; return true; }); });
            const qint64 growthKiB = peakRssKiB() - before;
            std::fprintf(stderr, "read %lld records, peak RSS grew %lld KiB; %s\n", records, growthKiB, qPrintable(error));
            if (records != lines || !error.contains(QStringLiteral("NUL byte on line %1").arg(lines + 1)))
                return 1;
            return growthKiB < 24 * 1024 ? test::kChildPassed : 2;
        });
        QCOMPARE(code, test::kChildPassed);
    }
};

QTEST_GUILESS_MAIN(TestReliabilityLimits)
#include "tst_reliability_limits.moc"
