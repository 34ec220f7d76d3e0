// Task datasets: every format, ids, previews, skipped records with warnings,
// and every kind of bad file getting one clear error naming it.
#include "Error.h"
#include "data/RecordReader.h"
#include "data/TaskDataset.h"
#include "tokenizer/Tokenizer.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

using namespace qkov;

namespace {

const QString kShared = QStringLiteral(QKOV_SHARED_DIR);

} // namespace

class TestDatasets : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void plainTextIdsAndEmptyLines();
    void jsonlIdsAndFields();
    void csvQuoting();
    void csvErrors();
    void previewsAreOneShortLine();
    void oneTokenRecordsAreSkippedByLine();
    void truncatedToMaxLength();
    void recordLimitStopsReading();
    void byteOrderMarkAndCrLf();
    void binaryFileIsRejected();
    void latin1IsRejectedWithOffset();
    void missingAndUnreadableFiles();
    void nothingUsableIsAnError();
    void linesLongerThanAReadChunk();

private:
    QString write(const QString &name, const QByteArray &bytes);
    QString errorOf(const QString &path, const DatasetOptions &options = {});

    QTemporaryDir m_dir;
    std::unique_ptr<Tokenizer> m_llama; // adds BOS
    std::unique_ptr<Tokenizer> m_gpt2;  // adds nothing
};

void TestDatasets::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_llama = Tokenizer::fromFolder(kShared + "/models/stories260K");
    m_gpt2 = Tokenizer::fromFolder(kShared + "/tokenizers/gpt2");
}

QString TestDatasets::write(const QString &name, const QByteArray &bytes)
{
    const QString path = m_dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    f.write(bytes);
    return path;
}

QString TestDatasets::errorOf(const QString &path, const DatasetOptions &options)
{
    try {
        loadTaskDataset(path, *m_llama, options);
    } catch (const Error &e) {
        return e.message();
    }
    return QString();
}

void TestDatasets::plainTextIdsAndEmptyLines()
{
    const QString path = write("a.txt", "Once upon a time\n\nthere was a cat\n   \nThe end\n");
    const TaskDataset d = loadTaskDataset(path, *m_llama);
    QCOMPARE(d.size(), 3);
    QCOMPARE(d.samples[0].id, QStringLiteral("0"));
    QCOMPARE(d.samples[1].id, QStringLiteral("2")); // record index counts the empty record
    QCOMPARE(d.samples[2].id, QStringLiteral("4"));
    QCOMPARE(d.samples[1].line, qint64(3));
    QCOMPARE(d.samples[0].tokens, m_llama->encode("Once upon a time", true));
    QCOMPARE(d.samples[0].tokens.front(), m_llama->bosId());
    QCOMPARE(d.warnings.size(), 2);
    QVERIFY(d.warnings[0].contains("line 2") && d.warnings[0].contains(path));
    QVERIFY(d.warnings[1].contains("line 4"));
    QCOMPARE(d.name, QStringLiteral("a"));
}

void TestDatasets::jsonlIdsAndFields()
{
    const QString path = write("b.jsonl",
                               "{\"id\": \"first\", \"text\": \"a dog ran\"}\n"
                               "{\"text\": \"no id here\", \"label\": 3}\n"
                               "\n"
                               "{\"id\": 17, \"text\": \"numeric id\"}\n"
                               "{\"id\": \"e\", \"text\": \"\"}\n");
    const TaskDataset d = loadTaskDataset(path, *m_llama);
    QCOMPARE(d.size(), 3);
    QCOMPARE(d.samples[0].id, QStringLiteral("first"));
    QCOMPARE(d.samples[1].id, QStringLiteral("1"));
    QCOMPARE(d.samples[2].id, QStringLiteral("17"));
    QCOMPARE(d.samples[1].preview, QStringLiteral("no id here"));
    QCOMPARE(d.warnings.size(), 2);
    QVERIFY(d.warnings[0].contains("line 3"));
    QVERIFY(d.warnings[1].contains("line 5"));

    const QString bad = write("bad.jsonl", "{\"text\": \"ok\"}\n{\"text\": 5}\n");
    QVERIFY(errorOf(bad).contains("line 2"));
    const QString broken = write("broken.jsonl", "{\"text\": \"ok\"}\n{\"text\": \"unterminated\n");
    QVERIFY(errorOf(broken).startsWith(broken + ": line 2 is not a JSON object"));
}

void TestDatasets::csvQuoting()
{
    const QString path = write("c.csv",
                               "id,text,label\n"
                               "r1,\"Hello, world\",x\n"
                               "r2,\"She said \"\"hi\"\"\",y\n"
                               "r3,\"first line\nsecond line\",z\n"
                               "\n"
                               ",plain text,w\n");
    const TaskDataset d = loadTaskDataset(path, *m_llama);
    QCOMPARE(d.size(), 4);
    QCOMPARE(d.samples[0].id, QStringLiteral("r1"));
    QCOMPARE(d.samples[0].tokens, m_llama->encode("Hello, world", true));
    QCOMPARE(d.samples[1].tokens, m_llama->encode("She said \"hi\"", true));
    QCOMPARE(d.samples[2].tokens, m_llama->encode("first line\nsecond line", true));
    QCOMPARE(d.samples[2].preview, QStringLiteral("first line second line"));
    QCOMPARE(d.samples[2].line, qint64(4));
    QCOMPARE(d.samples[3].id, QStringLiteral("4")); // empty id: the record index
    QCOMPARE(d.samples[3].line, qint64(7));
    QCOMPARE(d.warnings.size(), 1);
    QVERIFY(d.warnings[0].contains("line 6"));

    // Columns in any order, text column alone.
    const QString only = write("d.csv", "text\n\"a, b and c\"\n");
    QCOMPARE(loadTaskDataset(only, *m_llama).samples[0].tokens, m_llama->encode("a, b and c", true));
}

void TestDatasets::csvErrors()
{
    QVERIFY(errorOf(write("e1.csv", "id,label\n1,2\n")).contains("no \"text\" column"));
    QVERIFY(errorOf(write("e2.csv", "text\nfine\n\"never closed\nmore\n")).contains("starting on line 3 is never closed"));
    QVERIFY(errorOf(write("e3.csv", "id,text\n1,ok\n2,too,many\n")).contains("line 3 has 3 CSV fields"));
    QVERIFY(errorOf(write("e4.csv", "text\nbad\"quote\n")).contains("line 2"));
    QVERIFY(errorOf(write("e5.csv", "")).contains("empty"));
}

void TestDatasets::previewsAreOneShortLine()
{
    const QString longText = QString("word ").repeated(40) + "\tend";
    QCOMPARE(textPreview("  two\n\nlines  "), QStringLiteral("two lines"));
    const QString p = textPreview(longText);
    QCOMPARE(p.size(), 80);
    QVERIFY(p.endsWith(QChar(0x2026)));
    QVERIFY(!p.contains('\n') && !p.contains('\t'));
    QCOMPARE(textPreview("short"), QStringLiteral("short"));
}

void TestDatasets::oneTokenRecordsAreSkippedByLine()
{
    const QString path = write("f.txt", "hello world\nhello\nThe cat sat\n");
    QVERIFY(m_gpt2->encode("hello", true).size() == 1); // GPT-2 adds no special tokens
    const TaskDataset d = loadTaskDataset(path, *m_gpt2);
    QCOMPARE(d.size(), 2);
    QCOMPARE(d.samples[1].id, QStringLiteral("2"));
    QCOMPARE(d.warnings.size(), 1);
    QVERIFY(d.warnings[0].contains("line 2") && d.warnings[0].contains("1 token"));
}

void TestDatasets::truncatedToMaxLength()
{
    const QString path = write("g.txt", "Once upon a time there was a little girl who liked to play in the park\n");
    DatasetOptions o;
    o.maxLength = 5;
    const TaskDataset d = loadTaskDataset(path, *m_llama, o);
    const std::vector<int> full = m_llama->encode("Once upon a time there was a little girl who liked to play in the park", true);
    QVERIFY(full.size() > 5);
    QCOMPARE(d.samples[0].tokens, std::vector<int>(full.begin(), full.begin() + 5));
    QVERIFY(d.samples[0].truncated);
}

void TestDatasets::recordLimitStopsReading()
{
    // Line 4 is not UTF-8: with a limit of 2 samples it is never read.
    const QString path = write("h.txt", "one two\n\nthree four\nbad \xff byte\n");
    DatasetOptions o;
    o.maxSamples = 2;
    const TaskDataset d = loadTaskDataset(path, *m_llama, o);
    QCOMPARE(d.size(), 2);
    QVERIFY(d.limitReached);
    QCOMPARE(d.samples[1].id, QStringLiteral("2"));
    o.maxSamples = 3;
    QVERIFY(errorOf(path, o).contains("line 4"));
}

void TestDatasets::byteOrderMarkAndCrLf()
{
    const QString path = write("i.txt", "\xEF\xBB\xBFOnce upon\r\nthe end\r\n");
    const TaskDataset d = loadTaskDataset(path, *m_llama);
    QCOMPARE(d.size(), 2);
    QCOMPARE(d.samples[0].tokens, m_llama->encode("Once upon", true));
    QCOMPARE(d.samples[1].tokens, m_llama->encode("the end", true));
}

void TestDatasets::binaryFileIsRejected()
{
    const QString path = write("j.txt", QByteArray("text\nmore\x00\x01\x02 binary", 19));
    const QString message = errorOf(path);
    QVERIFY2(message.startsWith(path + ": is a binary file"), qPrintable(message));
    QVERIFY(message.contains("line 2") && message.contains("byte offset 9"));
}

void TestDatasets::latin1IsRejectedWithOffset()
{
    const QString path = write("k.txt", "ok line\ncaf\xe9 au lait\n");
    const QString message = errorOf(path);
    QVERIFY2(message.startsWith(path + ": is not valid UTF-8"), qPrintable(message));
    QVERIFY2(message.contains("line 2, byte offset 11"), qPrintable(message));
    // A genuine U+FFFD before the bad byte does not confuse the offset.
    QVERIFY(errorOf(write("k2.txt", "\xEF\xBF\xBD ok \xff\n")).contains("line 1, byte offset 7"));
    // A multi-byte sequence cut off by the end of the file is invalid too.
    QVERIFY(errorOf(write("l.txt", "fine\ncut \xc3")).contains("line 2"));
    // Valid multi-byte text passes.
    QCOMPARE(loadTaskDataset(write("m.txt", "caf\xc3\xa9 \xe2\x82\xac\n"), *m_llama).size(), 1);
}

void TestDatasets::missingAndUnreadableFiles()
{
    const QString missing = m_dir.filePath("nope.txt");
    QCOMPARE(errorOf(missing), missing + ": the file does not exist.");
    QVERIFY(errorOf(m_dir.path()).contains("folder"));
    if (geteuid() == 0)
        QSKIP("running as root: a chmod 000 file is still readable");
    const QString locked = write("locked.txt", "secret text\n");
    QVERIFY(QFile::setPermissions(locked, QFileDevice::Permissions()));
    const QString message = errorOf(locked);
    QFile::setPermissions(locked, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QVERIFY2(message.startsWith(locked + ": the file cannot be read"), qPrintable(message));
}

void TestDatasets::nothingUsableIsAnError()
{
    const QString blank = write("n.txt", "\n  \n\n");
    QVERIFY(errorOf(blank).startsWith(blank + ": none of its 3 record(s)"));
    const QString empty = write("o.txt", "");
    QCOMPARE(errorOf(empty), empty + ": the file holds no records.");
}

void TestDatasets::linesLongerThanAReadChunk()
{
    // Lines are read in 64 KiB chunks into one buffer kept for the whole file
    // (a fresh buffer per line cost an mmap and munmap per line under ASan):
    // every record must hold its own line's bytes and nothing of a longer
    // line before it, whatever the line's length against the chunk size.
    const QByteArray longLine(3 * 65536 + 5, 'x'), exact(65536, 'y'), last(70000, 'z');
    const QString path = write("p.txt", longLine + "\nab\r\n\n" + exact + "\nc\n" + last);
    QStringList texts;
    QList<qint64> lines;
    const auto collect = [&](const TaskRecord &r) {
        texts << r.text;
        lines << r.line;
        return true;
    };
    readTaskRecords(path, DatasetFormat::Text, collect);
    const QStringList expected{QString::fromLatin1(longLine), "ab", "", QString::fromLatin1(exact), "c", QString::fromLatin1(last)};
    QCOMPARE(texts.size(), expected.size());
    for (qsizetype i = 0; i < expected.size(); ++i)
        QVERIFY2(texts[i] == expected[i], qPrintable(QStringLiteral("record %1 holds %2 characters, expected %3")
                                                         .arg(i).arg(texts[i].size()).arg(expected[i].size())));
    QCOMPARE(lines, (QList<qint64>{1, 2, 3, 4, 5, 6}));

    // JSONL: a record longer than a chunk, then a short one.
    texts.clear();
    lines.clear();
    const QString jsonl = write("p.jsonl", "{\"text\": \"" + longLine + "\"}\n{\"text\": \"short\"}\n");
    readTaskRecords(jsonl, DatasetFormat::Jsonl, collect);
    QCOMPARE(texts.size(), 2);
    QVERIFY(texts[0] == QString::fromLatin1(longLine));
    QCOMPARE(texts[1], QStringLiteral("short"));
    QCOMPARE(lines, (QList<qint64>{1, 2}));
}

QTEST_GUILESS_MAIN(TestDatasets)
#include "tst_datasets.moc"
