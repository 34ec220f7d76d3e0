// Tokenizers against the independent reference vectors in shared/reference
// (produced by Hugging Face `tokenizers` / llama.cpp, see PROVENANCE.md),
// plus round trips, llama2.c's encoder and broken files.
#include "Error.h"
#include "tokenizer/Tokenizer.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using qkov::Tokenizer;

namespace {

const QString kShared = QStringLiteral(QKOV_SHARED_DIR);

struct Vector
{
    QString text;
    std::vector<int> ids;
};

std::vector<Vector> loadVectors(const QString &name)
{
    QFile f(kShared + QStringLiteral("/reference/tokenizer_vectors_%1.json").arg(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(f.fileName()));
    std::vector<Vector> out;
    for (const QJsonValue &v : QJsonDocument::fromJson(f.readAll()).array()) {
        Vector vec;
        vec.text = v.toObject().value(QLatin1String("text")).toString();
        for (const QJsonValue &id : v.toObject().value(QLatin1String("ids")).toArray())
            vec.ids.push_back(id.toInt());
        out.push_back(vec);
    }
    return out;
}

QByteArray idsText(const std::vector<int> &ids)
{
    QByteArray s;
    for (int id : ids)
        s += QByteArray::number(id) + ' ';
    return s;
}

void writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(data);
}

// A minimal tokenizer.json around `model`, with optional extra top-level fields.
QByteArray tokenizerJson(const QJsonObject &model, const QJsonObject &extra = {})
{
    QJsonObject root = extra;
    root.insert(QStringLiteral("model"), model);
    return QJsonDocument(root).toJson();
}

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(path));
    return QJsonDocument::fromJson(f.readAll()).object();
}

// Writes tokenizer.json (and tokenizer_config.json when given) and loads them.
std::unique_ptr<Tokenizer> loadJson(const QTemporaryDir &dir, const QJsonObject &root, const QJsonObject &config = {})
{
    const QString json = dir.filePath(QStringLiteral("tokenizer.json"));
    const QString configPath = config.isEmpty() ? QString() : dir.filePath(QStringLiteral("tokenizer_config.json"));
    writeFile(json, QJsonDocument(root).toJson());
    if (!configPath.isEmpty())
        writeFile(configPath, QJsonDocument(config).toJson());
    return Tokenizer::fromFiles(json, configPath);
}

QJsonObject typed(const char *type, QJsonObject fields = {})
{
    fields.insert(QStringLiteral("type"), QString::fromLatin1(type));
    return fields;
}

} // namespace

class TestTokenizer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QElapsedTimer timer;
        timer.start();
        m_gpt2 = Tokenizer::fromFolder(kShared + QStringLiteral("/tokenizers/gpt2"));
        qInfo("GPT-2 tokenizer.json (50k merges) loaded in %lld ms", timer.elapsed());
        m_bert = Tokenizer::fromFolder(kShared + QStringLiteral("/tokenizers/bert-bge"));
        m_stories = Tokenizer::fromFolder(kShared + QStringLiteral("/models/stories260K"));
    }

    void storiesVectors()
    {
        for (const Vector &v : loadVectors(QStringLiteral("stories260K"))) // recorded with special tokens
            QCOMPARE(idsText(m_stories->encode(v.text, true)), idsText(v.ids));
    }

    void gpt2Vectors()
    {
        for (const Vector &v : loadVectors(QStringLiteral("gpt2"))) // recorded without special tokens
            QCOMPARE(idsText(m_gpt2->encode(v.text, false)), idsText(v.ids));
    }

    void bertVectors()
    {
        for (const Vector &v : loadVectors(QStringLiteral("bert")))
            QCOMPARE(idsText(m_bert->encode(v.text, false)), idsText(v.ids));
    }

    void specialTokens()
    {
        QCOMPARE(idsText(m_bert->encode(QStringLiteral("Hello world"), true)), QByteArray("101 7592 2088 102 "));
        QCOMPARE(idsText(m_gpt2->encode(QStringLiteral("Hello world"), true)), QByteArray("15496 995 "));
        // Added special tokens are cut out of the text before the model sees it.
        QCOMPARE(idsText(m_gpt2->encode(QStringLiteral("Hello<|endoftext|> world"), false)),
                 QByteArray("15496 50256 995 "));
        QCOMPARE(idsText(m_stories->encode(QStringLiteral("a</s>"), false)).split(' ').at(1), QByteArray("2"));

        QCOMPARE(m_stories->bosId(), 1);
        QCOMPARE(m_stories->eosId(), 2);
        QCOMPARE(m_gpt2->eosId(), 50256);
        QCOMPARE(m_gpt2->padId(), -1);
        QCOMPARE(m_bert->bosId(), 101); // [CLS]
        QCOMPARE(m_bert->padId(), 0);
        QVERIFY(m_bert->isSpecial(102));
        QVERIFY(!m_bert->isSpecial(7592));
        QCOMPARE(m_gpt2->vocabSize(), 50257);
        QCOMPARE(m_bert->vocabSize(), 30522);
        QCOMPARE(m_stories->vocabSize(), 512);
        QCOMPARE(m_gpt2->tokenString(18435), QStringLiteral("\u0120Hello"));
        QCOMPARE(m_gpt2->tokenId(QStringLiteral("\u0120Hello")), 18435);
        QCOMPARE(m_gpt2->tokenString(-1), QString());
    }

    void decoding()
    {
        QCOMPARE(m_bert->decode({101, 7592, 1010, 2088, 999, 102}, true), QStringLiteral("hello, world!"));
        QCOMPARE(m_bert->decode({101, 7592, 102}, false), QStringLiteral("[CLS] hello [SEP]"));
        QCOMPARE(m_gpt2->decode({15496, 50256, 995}, true), QStringLiteral("Hello world"));
        // LLaMA-style decoders: ▁ -> space, <0xNN> bytes -> UTF-8, strip the prefix space.
        for (const Vector &v : loadVectors(QStringLiteral("stories260K")))
            QCOMPARE(m_stories->decode(v.ids, true), v.text);
        QCOMPARE(m_stories->decode({1, 403}, false), QStringLiteral("<s> Once"));
    }

    // decode(encode(x)) == x for byte-level BPE, whatever the text.
    void gpt2RoundTrip()
    {
        const std::vector<char32_t> alphabet = {
            'a', 'Z', 'q', '0', '7', ' ', ' ', ' ', '\n', '\t', '\r', '\'', '!', '.', ',', '-', 's', 'l', 'e',
            0xE9, 0xF1, 0xFC, 0xC5, 0x4F60, 0x597D, 0x65E5, 0x672C, 0x1F642, 0x1F999, 0x1F680, 0x200D, 0xFE0F,
            0xFEFF, 0x0301, 0x0308, 0x0327, 0x00A0, 0x3000, 0x2028, 0x0430, 0x05D0, 0x0E01, 0xFFFD};
        QRandomGenerator rng(20240607);
        for (int n = 0; n < 3000; ++n) {
            std::u32string s;
            const int length = int(rng.bounded(40));
            for (int i = 0; i < length; ++i) {
                // Mostly the alphabet above, sometimes any non-surrogate code point.
                char32_t c = alphabet[rng.bounded(uint(alphabet.size()))];
                if (rng.bounded(10) == 0) {
                    c = char32_t(rng.bounded(0x110000));
                    if (c >= 0xD800 && c <= 0xDFFF)
                        c = 'x';
                }
                s.push_back(c);
            }
            const QString text = QString::fromUcs4(s.data(), qsizetype(s.size()));
            const std::vector<int> ids = m_gpt2->encode(text, false);
            const QString decoded = m_gpt2->decode(ids);
            if (decoded != text)
                QFAIL(qPrintable(QStringLiteral("round trip failed: UTF-8 %1 came back as %2")
                                     .arg(QString::fromLatin1(text.toUtf8().toHex(' ')),
                                          QString::fromLatin1(decoded.toUtf8().toHex(' ')))));
        }
    }

    // llama2.c's encoder gives the HF ids, except where the text spells an
    // added token literally (HF splits those out; run.c does not).
    void llama2cMatchesHf()
    {
        const auto llama2c = Tokenizer::fromLlama2c(kShared + QStringLiteral("/models/stories260K-llama2c/tok512.bin"), 0);
        QCOMPARE(llama2c->vocabSize(), 512);
        QCOMPARE(Tokenizer::fromLlama2c(kShared + QStringLiteral("/models/stories260K-llama2c/tok512.bin"), 512)->vocabSize(), 512);
        int compared = 0;
        for (const Vector &v : loadVectors(QStringLiteral("stories260K"))) {
            if (v.text.contains(QLatin1String("<s>")) || v.text.contains(QLatin1String("</s>")) || v.text.contains(QLatin1String("<unk>")))
                continue;
            QCOMPARE(idsText(llama2c->encode(v.text, true)), idsText(v.ids));
            QCOMPARE(llama2c->decode(v.ids, true), v.text);
            ++compared;
        }
        QVERIFY(compared >= 9);
        // The documented exception, and the plain-text agreement elsewhere.
        const QString literal = QStringLiteral("say <s> now");
        QVERIFY(llama2c->encode(literal) != m_stories->encode(literal));
        const QString text = QStringLiteral("The cat sat on the mat. \"Yes!\" she said, 3 times.\n");
        QCOMPARE(idsText(llama2c->encode(text)), idsText(m_stories->encode(text)));
        QCOMPARE(llama2c->tokenString(1), QStringLiteral("<s>"));
        QCOMPARE(llama2c->bosId(), 1);
    }

    void llama2cBrokenFiles()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("tok.bin"));
        // max_token_length 4, then one token whose length runs past the end.
        writeFile(path, QByteArray::fromHex("04000000" "00000000" "20000000" "6162"));
        try {
            Tokenizer::fromLlama2c(path, 0);
            QFAIL("no error for a truncated llama2.c tokenizer");
        } catch (const qkov::Error &e) {
            QCOMPARE(e.where(), path);
        }
        QVERIFY_THROWS_EXCEPTION(qkov::Error, Tokenizer::fromLlama2c(kShared + QStringLiteral("/models/stories260K-llama2c/tok512.bin"), 513));
        QVERIFY_THROWS_EXCEPTION(qkov::Error, Tokenizer::fromLlama2c(dir.filePath(QStringLiteral("missing.bin")), 0));
    }

    // LLaMA 3 style: a Split pre-tokenizer with its own regex, then ByteLevel
    // without the GPT-2 regex. Digits go in groups of three, so the ids are
    // GPT-2's (verified above) ids of the groups.
    void splitPreTokenizer()
    {
        QJsonObject root = readJson(kShared + QStringLiteral("/tokenizers/gpt2/tokenizer.json"));
        const QString llama3 = QStringLiteral(
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");
        root.insert(QStringLiteral("pre_tokenizer"),
                    typed("Sequence", {{QStringLiteral("pretokenizers"),
                                        QJsonArray{typed("Split", {{QStringLiteral("pattern"), QJsonObject{{QStringLiteral("Regex"), llama3}}},
                                                                   {QStringLiteral("behavior"), QStringLiteral("Isolated")},
                                                                   {QStringLiteral("invert"), false}}),
                                                   typed("ByteLevel", {{QStringLiteral("add_prefix_space"), false},
                                                                       {QStringLiteral("use_regex"), false}})}}}));
        QTemporaryDir dir;
        const auto tok = loadJson(dir, root);
        auto gpt2Ids = [this](std::initializer_list<const char *> parts) {
            std::vector<int> ids;
            for (const char *p : parts)
                for (int id : m_gpt2->encode(QString::fromUtf8(p), false))
                    ids.push_back(id);
            return idsText(ids);
        };
        QCOMPARE(idsText(tok->encode(QStringLiteral("1234567 apples"), false)), gpt2Ids({"123", "456", "7", " apples"}));
        QCOMPARE(idsText(tok->encode(QStringLiteral("Hello world"), false)), gpt2Ids({"Hello", " world"}));
        // GPT-2's regex keeps " 12" together; this one does not.
        QVERIFY(tok->encode(QStringLiteral("a 12"), false) != m_gpt2->encode(QStringLiteral("a 12"), false));
    }

    // Metaspace without splitting is what Prepend + Replace do, except that
    // it prepends no "▁" to a text that already starts with a space.
    void metaspaceMatchesPrependReplace()
    {
        QJsonObject root = readJson(kShared + QStringLiteral("/models/stories260K/tokenizer.json"));
        root.remove(QStringLiteral("normalizer"));
        root.insert(QStringLiteral("pre_tokenizer"), typed("Metaspace", {{QStringLiteral("replacement"), QStringLiteral("\u2581")},
                                                                         {QStringLiteral("prepend_scheme"), QStringLiteral("first")},
                                                                         {QStringLiteral("split"), false}}));
        root.insert(QStringLiteral("decoder"), typed("Sequence", {{QStringLiteral("decoders"),
                                                                  QJsonArray{typed("Metaspace", {{QStringLiteral("prepend_scheme"), QStringLiteral("first")}}),
                                                                             typed("ByteFallback"), typed("Fuse")}}}));
        QTemporaryDir dir;
        const auto tok = loadJson(dir, root);
        for (const Vector &v : loadVectors(QStringLiteral("stories260K"))) {
            if (!v.text.startsWith(QLatin1Char(' ')))
                QCOMPARE(idsText(tok->encode(v.text, true)), idsText(v.ids));
            QCOMPARE(tok->decode(v.ids, true), v.text);
        }
        QCOMPARE(idsText(tok->encode(QStringLiteral(" a"), false)), idsText(m_stories->encode(QStringLiteral("a"), false)));
    }

    // transformers' LLaMA tokenizers obey add_bos_token / add_eos_token.
    void llamaConfigFlags()
    {
        QTemporaryDir dir;
        const QString config = dir.filePath(QStringLiteral("tokenizer_config.json"));
        writeFile(config, R"({"tokenizer_class": "LlamaTokenizer", "add_bos_token": false, "add_eos_token": true,
                              "bos_token": "<s>", "eos_token": {"content": "</s>"}})");
        const auto tok = Tokenizer::fromFiles(kShared + QStringLiteral("/models/stories260K/tokenizer.json"), config);
        QCOMPARE(idsText(tok->encode(QStringLiteral("Once upon a time"))), QByteArray("403 407 261 378 2 "));
        QCOMPARE(tok->eosId(), 2);
    }

    // Unigram scores computed by hand: "ab"+"c" = -4.5 beats "a"+"b"+"c" = -6
    // and "abc" = -10; an uncovered character costs min score - 10.
    void unigramViterbi()
    {
        const QJsonArray vocab{QJsonArray{QStringLiteral("<unk>"), 0.0}, QJsonArray{QStringLiteral("a"), -1.0},
                               QJsonArray{QStringLiteral("b"), -2.0}, QJsonArray{QStringLiteral("ab"), -1.5},
                               QJsonArray{QStringLiteral("c"), -3.0}, QJsonArray{QStringLiteral("abc"), -10.0},
                               QJsonArray{QStringLiteral("<0x64>"), -5.0}};
        QJsonObject model = typed("Unigram", {{QStringLiteral("unk_id"), 0}, {QStringLiteral("vocab"), vocab}});
        QTemporaryDir dir;
        auto tok = loadJson(dir, {{QStringLiteral("model"), model}});
        QCOMPARE(idsText(tok->encode(QStringLiteral("abc"))), QByteArray("3 4 "));
        QCOMPARE(idsText(tok->encode(QStringLiteral("cabdd"))), QByteArray("4 3 0 ")); // unknowns fuse
        model.insert(QStringLiteral("byte_fallback"), true);
        tok = loadJson(dir, {{QStringLiteral("model"), model}});
        QCOMPARE(idsText(tok->encode(QStringLiteral("abd"))), QByteArray("3 6 "));
        QCOMPARE(idsText(tok->encode(QStringLiteral("abe"))), QByteArray("3 0 ")); // no <0x65>
    }

    void addedTokenFlags()
    {
        const QJsonObject vocab{{QStringLiteral("hello"), 0}, {QStringLiteral("world"), 1}, {QStringLiteral("[UNK]"), 2}};
        const QJsonArray added{
            QJsonObject{{QStringLiteral("id"), 3}, {QStringLiteral("content"), QStringLiteral("<x>")}, {QStringLiteral("lstrip"), true},
                        {QStringLiteral("rstrip"), true}, {QStringLiteral("special"), true}, {QStringLiteral("normalized"), false}},
            QJsonObject{{QStringLiteral("id"), 4}, {QStringLiteral("content"), QStringLiteral("tok")}, {QStringLiteral("single_word"), true},
                        {QStringLiteral("special"), false}, {QStringLiteral("normalized"), true}}};
        const QJsonObject root{{QStringLiteral("model"), typed("WordLevel", {{QStringLiteral("vocab"), vocab},
                                                                          {QStringLiteral("unk_token"), QStringLiteral("[UNK]")}})},
                               {QStringLiteral("normalizer"), typed("Lowercase")},
                               {QStringLiteral("added_tokens"), added}};
        QTemporaryDir dir;
        const auto tok = loadJson(dir, root);
        QCOMPARE(idsText(tok->encode(QStringLiteral("Hello  <x> World"))), QByteArray("0 3 1 ")); // spaces swallowed
        QCOMPARE(idsText(tok->encode(QStringLiteral("<x>TOK<x>"))), QByteArray("3 4 3 "));     // matched after lowercasing
        QCOMPARE(idsText(tok->encode(QStringLiteral("<x>TOKs<x>"))), QByteArray("3 2 3 "));    // not a single word
        QCOMPARE(tok->decode({0, 3, 1}, true), QStringLiteral("hello world"));
        QVERIFY(tok->isSpecial(3));
        QVERIFY(!tok->isSpecial(4));
        QCOMPARE(tok->vocabSize(), 5);
    }

    // Whitespace (\\w+|[^\\w\\s]+), then digits one by one, then "-" as a delimiter.
    void splittingPreTokenizers()
    {
        QJsonObject vocab;
        const QStringList words{QStringLiteral("ab"), QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("c"),
                                QStringLiteral(",!"), QStringLiteral("d"), QStringLiteral("[UNK]")};
        for (int i = 0; i < words.size(); ++i)
            vocab.insert(words[i], i);
        const QJsonObject root{
            {QStringLiteral("model"), typed("WordLevel", {{QStringLiteral("vocab"), vocab}, {QStringLiteral("unk_token"), QStringLiteral("[UNK]")}})},
            {QStringLiteral("pre_tokenizer"),
             typed("Sequence", {{QStringLiteral("pretokenizers"),
                                 QJsonArray{typed("Whitespace"), typed("Digits", {{QStringLiteral("individual_digits"), true}}),
                                            typed("CharDelimiterSplit", {{QStringLiteral("delimiter"), QStringLiteral("-")}})}}})}};
        QTemporaryDir dir;
        const auto tok = loadJson(dir, root);
        QCOMPARE(idsText(tok->encode(QStringLiteral("ab12  c,!d"))), QByteArray("0 1 2 3 4 5 "));
        QCOMPARE(idsText(tok->encode(QStringLiteral("-d-"))), QByteArray("5 "));
        QCOMPARE(idsText(tok->encode(QStringLiteral("abc"))), QByteArray("6 "));
    }

    void wordPieceLongWord()
    {
        const QString longWord(101, QLatin1Char('a'));
        QCOMPARE(idsText(m_bert->encode(longWord, false)), QByteArray("100 "));
        QVERIFY(m_bert->encode(longWord.left(100), false) != std::vector<int>{100});
    }

    void brokenTokenizerJson_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("problem");
        const QJsonObject vocab{{QStringLiteral("a"), 0}, {QStringLiteral("b"), 1}, {QStringLiteral("ab"), 2}};
        QTest::newRow("invalid JSON") << QByteArray("{\"model\": {\"type\": \"BPE\",") << QStringLiteral("invalid JSON");
        QTest::newRow("not an object") << QByteArray("[1, 2]") << QStringLiteral("not an object");
        QTest::newRow("no model") << QByteArray("{}") << QStringLiteral("model");
        QTest::newRow("unknown model")
            << tokenizerJson({{QStringLiteral("type"), QStringLiteral("Wordz")}, {QStringLiteral("vocab"), vocab}})
            << QStringLiteral("\"Wordz\"");
        QTest::newRow("merge with unknown token")
            << tokenizerJson({{QStringLiteral("type"), QStringLiteral("BPE")}, {QStringLiteral("vocab"), vocab},
                              {QStringLiteral("merges"), QJsonArray{QStringLiteral("a b"), QStringLiteral("a zz")}}})
            << QStringLiteral("\"a zz\"");
        QTest::newRow("merge result missing")
            << tokenizerJson({{QStringLiteral("type"), QStringLiteral("BPE")}, {QStringLiteral("vocab"), vocab},
                              {QStringLiteral("merges"), QJsonArray{QJsonArray{QStringLiteral("b"), QStringLiteral("a")}}}})
            << QStringLiteral("\"ba\"");
        QTest::newRow("huge id")
            << tokenizerJson({{QStringLiteral("type"), QStringLiteral("BPE")},
                              {QStringLiteral("vocab"), QJsonObject{{QStringLiteral("a"), 2000000000}}}})
            << QStringLiteral("2000000000");
        const QJsonObject bpe{{QStringLiteral("type"), QStringLiteral("BPE")}, {QStringLiteral("vocab"), vocab}};
        QTest::newRow("unknown normalizer")
            << tokenizerJson(bpe, {{QStringLiteral("normalizer"), QJsonObject{{QStringLiteral("type"), QStringLiteral("Fancy")}}}})
            << QStringLiteral("normalizer type \"Fancy\"");
        QTest::newRow("unknown pre-tokenizer")
            << tokenizerJson(bpe, {{QStringLiteral("pre_tokenizer"), QJsonObject{{QStringLiteral("type"), QStringLiteral("Odd")}}}})
            << QStringLiteral("pre-tokenizer type \"Odd\"");
        QTest::newRow("unknown decoder")
            << tokenizerJson(bpe, {{QStringLiteral("decoder"), QJsonObject{{QStringLiteral("type"), QStringLiteral("Odd")}}}})
            << QStringLiteral("decoder type \"Odd\"");
        QTest::newRow("unknown post-processor")
            << tokenizerJson(bpe, {{QStringLiteral("post_processor"), QJsonObject{{QStringLiteral("type"), QStringLiteral("Odd")}}}})
            << QStringLiteral("post-processor type \"Odd\"");
        QTest::newRow("bad regex")
            << tokenizerJson(bpe, {{QStringLiteral("pre_tokenizer"),
                                    QJsonObject{{QStringLiteral("type"), QStringLiteral("Split")},
                                                {QStringLiteral("pattern"), QJsonObject{{QStringLiteral("Regex"), QStringLiteral("(")}}}}}})
            << QStringLiteral("invalid");
    }

    void brokenTokenizerJson()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, problem);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("tokenizer.json"));
        writeFile(path, json);
        try {
            Tokenizer::fromFiles(path, QString());
            QFAIL("no error");
        } catch (const qkov::Error &e) {
            QCOMPARE(e.where(), path);
            QVERIFY2(e.problem().contains(problem), qPrintable(e.message()));
        }
    }

    void brokenConfigNamesConfig()
    {
        QTemporaryDir dir;
        const QString config = dir.filePath(QStringLiteral("tokenizer_config.json"));
        writeFile(config, "{ nope");
        try {
            Tokenizer::fromFiles(kShared + QStringLiteral("/models/stories260K/tokenizer.json"), config);
            QFAIL("no error");
        } catch (const qkov::Error &e) {
            QCOMPARE(e.where(), config);
        }
        QVERIFY_THROWS_EXCEPTION(qkov::Error, Tokenizer::fromFolder(dir.path())); // no tokenizer.json
    }

private:
    std::unique_ptr<Tokenizer> m_gpt2, m_bert, m_stories;
};

QTEST_GUILESS_MAIN(TestTokenizer)
#include "tst_tokenizer.moc"
