// Safetensors reading, writing, sharding and validation (core/io).
#include "Error.h"
#include "io/SafeTensors.h"
#include "io/TensorStore.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <csignal>
#include <cstring>
#include <sys/resource.h>

using namespace qkov;

Q_DECLARE_METATYPE(qkov::DType)

namespace {

QByteArray le64(uint64_t v)
{
    QByteArray b(8, '\0');
    for (int i = 0; i < 8; ++i)
        b[i] = char((v >> (8 * i)) & 0xff);
    return b;
}

// A safetensors file from a literal header (written as given, not padded).
QByteArray rawFile(const QByteArray &header, const QByteArray &data)
{
    return le64(uint64_t(header.size())) + header + data;
}

void writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(bytes), bytes.size());
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Runs `f`, expecting a qkov::Error whose message contains every needle.
template <typename F>
QString expectError(F f, const QStringList &needles)
{
    try {
        f();
    } catch (const Error &e) {
        for (const QString &n : needles)
            if (!e.message().contains(n))
                return QStringLiteral("message '%1' lacks '%2'").arg(e.message(), n);
        return {};
    }
    return QStringLiteral("no qkov::Error thrown");
}

template <typename T>
QByteArray bytesOf(const std::vector<T> &v)
{
    return QByteArray(reinterpret_cast<const char *>(v.data()), qsizetype(v.size() * sizeof(T)));
}

float floatFromBits(uint32_t bits)
{
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

const QString kStories = QStringLiteral(QKOV_SHARED_DIR "/models/stories260K");

} // namespace

class TestSafeTensors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTripEveryDtype_data();
    void roundTripEveryDtype();
    void writerLayout();
    void readsStories260K();
    void halfAndBfloatBitPatterns();
    void zeroCopyViews();
    void shardedIndex();
    void shardedIndexErrors();
    void folderSelection();
    void folderWithoutSafetensors();
    void inMemoryStore();
    void headerValidation_data();
    void headerValidation();
    void fileLevelValidation_data();
    void fileLevelValidation();
    void limitsAreConfigurable();
    void writeFailureKeepsOldFile();

private:
    QTemporaryDir m_tmp;
};

void TestSafeTensors::roundTripEveryDtype_data()
{
    QTest::addColumn<qkov::DType>("dtype");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QVector<float>>("expected");
    // Values chosen to be exact in each type; encodings written out independently.
    QTest::newRow("F32") << DType::F32 << bytesOf(std::vector<float>{1.5f, -2.25f, 0.0f, 1e-30f})
                         << QVector<float>{1.5f, -2.25f, 0.0f, 1e-30f};
    QTest::newRow("F64") << DType::F64 << bytesOf(std::vector<double>{0.5, -3.0, 65536.0, 1.0 / 1024})
                         << QVector<float>{0.5f, -3.0f, 65536.0f, 1.0f / 1024};
    QTest::newRow("F16") << DType::F16 << bytesOf(std::vector<uint16_t>{0x3C00, 0xC000, 0x3800, 0x7BFF})
                         << QVector<float>{1.0f, -2.0f, 0.5f, 65504.0f};
    QTest::newRow("BF16") << DType::BF16 << bytesOf(std::vector<uint16_t>{0x3F80, 0xC000, 0x3F00, 0xC049})
                          << QVector<float>{1.0f, -2.0f, 0.5f, -3.140625f};
    QTest::newRow("I64") << DType::I64 << bytesOf(std::vector<int64_t>{-7, 0, 1 << 20, 42})
                         << QVector<float>{-7, 0, 1 << 20, 42};
    QTest::newRow("I32") << DType::I32 << bytesOf(std::vector<int32_t>{-100000, 3, 0, 2147483647})
                         << QVector<float>{-100000, 3, 0, 2147483648.0f};
    QTest::newRow("I16") << DType::I16 << bytesOf(std::vector<int16_t>{-32768, 32767, 0, -1})
                         << QVector<float>{-32768, 32767, 0, -1};
    QTest::newRow("I8") << DType::I8 << bytesOf(std::vector<int8_t>{-128, 127, 0, -5}) << QVector<float>{-128, 127, 0, -5};
    QTest::newRow("U8") << DType::U8 << bytesOf(std::vector<uint8_t>{0, 255, 128, 7}) << QVector<float>{0, 255, 128, 7};
    QTest::newRow("BOOL") << DType::BOOL << bytesOf(std::vector<uint8_t>{0, 1, 1, 0}) << QVector<float>{0, 1, 1, 0};
}

void TestSafeTensors::roundTripEveryDtype()
{
    QFETCH(qkov::DType, dtype);
    QFETCH(QByteArray, bytes);
    QFETCH(QVector<float>, expected);
    SafeTensorsWriter writer;
    writer.add(QStringLiteral("t"), dtype, {2, 2}, bytes.constData());
    writer.add(QStringLiteral("a.first"), DType::U8, {3}, "xyz"); // a second tensor before it in name order
    const QString path = m_tmp.filePath(QStringLiteral("rt_%1.safetensors").arg(dtypeName(dtype)));
    writer.write(path);
    QCOMPARE(readAll(path), writer.toBytes());

    const auto store = TensorStore::openFile(path);
    QCOMPARE(store->names(), QStringList({QStringLiteral("a.first"), QStringLiteral("t")}));
    const TensorView view = store->view(QStringLiteral("t"));
    QCOMPARE(view.dtype, dtype);
    QCOMPARE(view.shape, std::vector<int64_t>({2, 2}));
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(view.bytes), bytes.size()), bytes);
    const std::vector<float> values = store->toFloat(QStringLiteral("t"));
    QCOMPARE(QVector<float>(values.begin(), values.end()), expected);
}

void TestSafeTensors::writerLayout()
{
    SafeTensorsWriter writer;
    writer.setMetadata(QStringLiteral("format"), QStringLiteral("pt"));
    writer.addFloat(QStringLiteral("zeta"), {3}, {1, 2, 3});
    writer.addFloat(QStringLiteral("alpha"), {1, 2}, {4, 5});
    writer.addFloat(QStringLiteral("empty"), {0, 4}, {});
    const QByteArray file = writer.toBytes();
    uint64_t headerLength = 0;
    for (int i = 7; i >= 0; --i)
        headerLength = (headerLength << 8) | uchar(file[i]);
    QCOMPARE(headerLength % 8, 0u);
    const QByteArray header = file.mid(8, qsizetype(headerLength));
    QVERIFY(header.trimmed().endsWith('}'));
    QCOMPARE(header.size() - header.trimmed().size() < 8, true);
    // Sorted keys and contiguous offsets in name order.
    QVERIFY(header.indexOf("\"__metadata__\"") < header.indexOf("\"alpha\""));
    QVERIFY(header.indexOf("\"alpha\"") < header.indexOf("\"empty\""));
    QVERIFY(header.indexOf("\"empty\"") < header.indexOf("\"zeta\""));
    const QJsonObject json = QJsonDocument::fromJson(header).object();
    QCOMPARE(json.value("alpha").toObject().value("data_offsets").toVariant().toList(), QVariantList({0, 8}));
    QCOMPARE(json.value("empty").toObject().value("data_offsets").toVariant().toList(), QVariantList({8, 8}));
    QCOMPARE(json.value("zeta").toObject().value("data_offsets").toVariant().toList(), QVariantList({8, 20}));
    QCOMPARE(uint64_t(file.size()), 8 + headerLength + 20);

    const QString path = m_tmp.filePath(QStringLiteral("layout.safetensors"));
    writer.write(path);
    const auto store = TensorStore::openFile(path);
    QCOMPARE(store->metadata().value("format").toString(), QStringLiteral("pt"));
    QCOMPARE(store->meta(QStringLiteral("empty")).numel(), 0);
    QCOMPARE(store->toFloat(QStringLiteral("zeta")), std::vector<float>({1, 2, 3}));
    QCOMPARE(expectError([&] { store->view(QStringLiteral("nope")); }, {path, QStringLiteral("'nope'")}), QString());
    QCOMPARE(expectError([&] { store->meta(QStringLiteral("nope")); }, {path, QStringLiteral("'nope'")}), QString());
}

void TestSafeTensors::readsStories260K()
{
    const auto store = TensorStore::openFolder(kStories);
    QCOMPARE(store->origin(), kStories);
    QCOMPARE(store->files(), QStringList({kStories + QStringLiteral("/model.safetensors")}));
    QCOMPARE(store->names().size(), 2 + 5 * 9);
    QCOMPARE(store->metadata().value("format").toString(), QStringLiteral("pt"));
    QCOMPARE(store->meta(QStringLiteral("model.layers.0.self_attn.q_proj.weight")).shape, std::vector<int64_t>({64, 64}));
    QCOMPARE(store->meta(QStringLiteral("model.layers.0.self_attn.k_proj.weight")).shape, std::vector<int64_t>({32, 64}));
    QCOMPARE(store->meta(QStringLiteral("model.layers.4.self_attn.v_proj.weight")).shape, std::vector<int64_t>({32, 64}));
    QCOMPARE(store->meta(QStringLiteral("model.layers.4.mlp.down_proj.weight")).shape, std::vector<int64_t>({64, 172}));
    QCOMPARE(store->meta(QStringLiteral("model.embed_tokens.weight")).dtype, DType::F32);
    const std::vector<float> embed = store->toFloat(QStringLiteral("model.embed_tokens.weight"));
    QCOMPARE(embed.size(), size_t(512 * 64));
    double sumSquares = 0;
    for (float v : embed) {
        QVERIFY(std::isfinite(v));
        sumSquares += double(v) * v;
    }
    QVERIFY(sumSquares > 0); // trained weights, not a zero mapping
    // The same bytes as a direct read of the file at the header's offsets.
    const auto file = SafeTensorsFile::open(kStories + QStringLiteral("/model.safetensors"));
    const TensorInfo *info = file->find(QStringLiteral("model.norm.weight"));
    QVERIFY(info);
    const QByteArray whole = readAll(file->path());
    uint64_t headerLength = 0;
    for (int i = 7; i >= 0; --i)
        headerLength = (headerLength << 8) | uchar(whole[i]);
    const QByteArray direct = whole.mid(qsizetype(8 + headerLength + info->begin), qsizetype(info->byteSize()));
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(store->view(QStringLiteral("model.norm.weight")).bytes), direct.size()), direct);
}

void TestSafeTensors::halfAndBfloatBitPatterns()
{
    // IEEE half: smallest subnormal, largest subnormal, smallest normal, max, signed zero, inf, NaN.
    const std::vector<uint16_t> half = {0x0001, 0x03FF, 0x0400, 0x7BFF, 0x8000, 0x7C00, 0xFC00, 0x7E00, 0x3555};
    const std::vector<float> halfExpected = {std::ldexp(1.0f, -24), 1023 * std::ldexp(1.0f, -24), std::ldexp(1.0f, -14),
                                             65504.0f, -0.0f, INFINITY, -INFINITY, NAN, 0.333251953125f};
    // bfloat16 = the top half of a float32: subnormal 2^-133, inf, NaN, pi rounded, smallest normal.
    const std::vector<uint16_t> bf = {0x0001, 0x7F80, 0xFF80, 0x7FC0, 0x4049, 0x0080, 0x8000};
    const std::vector<float> bfExpected = {floatFromBits(0x00010000), INFINITY, -INFINITY, NAN, 3.140625f,
                                           std::ldexp(1.0f, -126), -0.0f};
    SafeTensorsWriter writer;
    writer.add(QStringLiteral("half"), DType::F16, {int64_t(half.size())}, half.data());
    writer.add(QStringLiteral("bf"), DType::BF16, {int64_t(bf.size())}, bf.data());
    const QString path = m_tmp.filePath(QStringLiteral("bits.safetensors"));
    writer.write(path);
    const auto store = TensorStore::openFile(path);
    const auto check = [](const std::vector<float> &got, const std::vector<float> &want) {
        QCOMPARE(got.size(), want.size());
        for (size_t i = 0; i < got.size(); ++i) {
            if (std::isnan(want[i])) {
                QVERIFY2(std::isnan(got[i]), qPrintable(QString::number(i)));
            } else {
                uint32_t a, b;
                std::memcpy(&a, &got[i], 4);
                std::memcpy(&b, &want[i], 4);
                QVERIFY2(a == b, qPrintable(QStringLiteral("element %1: %2 vs %3").arg(i).arg(got[i]).arg(want[i])));
            }
        }
    };
    check(store->toFloat(QStringLiteral("half")), halfExpected);
    if (QTest::currentTestFailed())
        return;
    check(store->toFloat(QStringLiteral("bf")), bfExpected);
    if (QTest::currentTestFailed())
        return;
    // float -> bfloat16 rounds to nearest, ties to even; NaN stays NaN.
    QCOMPARE(floatToBfloat16(floatFromBits(0x3F808000)), uint16_t(0x3F80)); // tie, even below
    QCOMPARE(floatToBfloat16(floatFromBits(0x3F818000)), uint16_t(0x3F82)); // tie, even above
    QCOMPARE(floatToBfloat16(floatFromBits(0x3F808001)), uint16_t(0x3F81)); // above the tie
    QCOMPARE(floatToBfloat16(INFINITY), uint16_t(0x7F80));
    QVERIFY(std::isnan(bfloat16ToFloat(floatToBfloat16(NAN))));
    QVERIFY(std::isnan(bfloat16ToFloat(floatToBfloat16(floatFromBits(0x7F800001))))); // NaN with only low bits set
}

void TestSafeTensors::zeroCopyViews()
{
    const auto store = TensorStore::openFolder(kStories);
    const auto file = SafeTensorsFile::open(store->files().front());
    const TensorView first = store->view(QStringLiteral("model.layers.1.self_attn.q_proj.weight"));
    const TensorView again = store->view(QStringLiteral("model.layers.1.self_attn.q_proj.weight"));
    QCOMPARE(first.bytes, again.bytes); // no copy per view
    // Two tensors sit exactly as far apart in memory as in the file: one mapping.
    const TensorInfo *q = file->find(QStringLiteral("model.layers.1.self_attn.q_proj.weight"));
    const TensorInfo *embed = file->find(QStringLiteral("model.embed_tokens.weight"));
    const TensorView embedView = store->view(QStringLiteral("model.embed_tokens.weight"));
    QCOMPARE(first.bytes - embedView.bytes, qint64(q->begin) - qint64(embed->begin));
    QCOMPARE(file->data(*q) - file->data(*embed), qint64(q->begin) - qint64(embed->begin));
}

void TestSafeTensors::shardedIndex()
{
    const QString dir = m_tmp.filePath(QStringLiteral("sharded"));
    QVERIFY(QDir().mkpath(dir));
    SafeTensorsWriter shard1, shard2;
    shard1.setMetadata(QStringLiteral("format"), QStringLiteral("pt"));
    shard1.addFloat(QStringLiteral("layers.0.w"), {2, 2}, {1, 2, 3, 4});
    shard2.addFloat(QStringLiteral("layers.1.w"), {2}, {5, 6});
    shard2.addFloat(QStringLiteral("unlisted"), {1}, {7});
    shard1.write(dir + QStringLiteral("/model-00001-of-00002.safetensors"));
    shard2.write(dir + QStringLiteral("/model-00002-of-00002.safetensors"));
    writeBytes(dir + QStringLiteral("/model.safetensors.index.json"),
               R"({"metadata": {"total_size": 24}, "weight_map": {
                   "layers.0.w": "model-00001-of-00002.safetensors",
                   "layers.1.w": "model-00002-of-00002.safetensors"}})");
    const auto store = TensorStore::openFolder(dir);
    QCOMPARE(store->names(), QStringList({QStringLiteral("layers.0.w"), QStringLiteral("layers.1.w")}));
    QCOMPARE(store->files().size(), 2);
    QCOMPARE(store->toFloat(QStringLiteral("layers.0.w")), std::vector<float>({1, 2, 3, 4}));
    QCOMPARE(store->toFloat(QStringLiteral("layers.1.w")), std::vector<float>({5, 6}));
    QCOMPARE(store->metadata().value("format").toString(), QStringLiteral("pt"));
}

void TestSafeTensors::shardedIndexErrors()
{
    const QString dir = m_tmp.filePath(QStringLiteral("sharded_bad"));
    QVERIFY(QDir().mkpath(dir));
    SafeTensorsWriter shard;
    shard.addFloat(QStringLiteral("a"), {1}, {1});
    shard.write(dir + QStringLiteral("/shard-1.safetensors"));
    const QString index = dir + QStringLiteral("/model.safetensors.index.json");
    const auto open = [&] { TensorStore::openFolder(dir); };

    writeBytes(index, R"({"weight_map": {"a": "shard-1.safetensors", "b": "shard-2.safetensors"}})");
    QCOMPARE(expectError(open, {index, QStringLiteral("'shard-2.safetensors'"), QStringLiteral("does not exist")}), QString());
    writeBytes(index, R"({"weight_map": {"a": "shard-1.safetensors", "b": "shard-1.safetensors"}})");
    QCOMPARE(expectError(open, {index, QStringLiteral("'b'"), QStringLiteral("'shard-1.safetensors'"), QStringLiteral("no such tensor")}), QString());
    writeBytes(index, R"({"weight_map": {"a": "../outside.safetensors"}})");
    QCOMPARE(expectError(open, {index, QStringLiteral("not a file beside the index")}), QString());
    writeBytes(index, R"({"weight_map": {"a": 3}})");
    QCOMPARE(expectError(open, {index, QStringLiteral("not a string")}), QString());
    writeBytes(index, R"({"weight_map": {}})");
    QCOMPARE(expectError(open, {index, QStringLiteral("empty weight_map")}), QString());
    writeBytes(index, R"({"metadata": {}})");
    QCOMPARE(expectError(open, {index, QStringLiteral("weight_map")}), QString());
    writeBytes(index, R"({"weight_map": )");
    QCOMPARE(expectError(open, {index, QStringLiteral("not valid JSON")}), QString());
    // A broken shard is reported under the shard's own name.
    writeBytes(dir + QStringLiteral("/shard-2.safetensors"), QByteArray("\x01\x02", 2));
    writeBytes(index, R"({"weight_map": {"a": "shard-1.safetensors", "b": "shard-2.safetensors"}})");
    QCOMPARE(expectError(open, {QStringLiteral("shard-2.safetensors"), QStringLiteral("too short")}), QString());
}

void TestSafeTensors::folderSelection()
{
    // model.safetensors wins over other .safetensors files.
    const QString dir = m_tmp.filePath(QStringLiteral("select"));
    QVERIFY(QDir().mkpath(dir));
    SafeTensorsWriter main, extra;
    main.addFloat(QStringLiteral("main"), {1}, {1});
    extra.addFloat(QStringLiteral("extra"), {1}, {2});
    main.write(dir + QStringLiteral("/model.safetensors"));
    extra.write(dir + QStringLiteral("/adapter.safetensors"));
    QCOMPARE(TensorStore::openFolder(dir)->names(), QStringList({QStringLiteral("main")}));

    // Without it, every *.safetensors file, merged; a name in two files is an error.
    QVERIFY(QFile::remove(dir + QStringLiteral("/model.safetensors")));
    main.write(dir + QStringLiteral("/part-b.safetensors"));
    const auto store = TensorStore::openFolder(dir);
    QCOMPARE(store->names(), QStringList({QStringLiteral("extra"), QStringLiteral("main")}));
    QCOMPARE(store->files().size(), 2);
    main.write(dir + QStringLiteral("/part-c.safetensors"));
    QCOMPARE(expectError([&] { TensorStore::openFolder(dir); },
                         {dir, QStringLiteral("'main'"), QStringLiteral("part-b.safetensors"), QStringLiteral("part-c.safetensors")}),
             QString());
    QCOMPARE(expectError([&] { TensorStore::openFolder(dir + QStringLiteral("/missing")); }, {QStringLiteral("no such folder")}), QString());
}

void TestSafeTensors::folderWithoutSafetensors()
{
    const QString dir = m_tmp.filePath(QStringLiteral("nothing"));
    QVERIFY(QDir().mkpath(dir));
    writeBytes(dir + QStringLiteral("/config.json"), "{}");
    QCOMPARE(expectError([&] { TensorStore::openFolder(dir); }, {dir, QStringLiteral("no .safetensors file")}), QString());
    writeBytes(dir + QStringLiteral("/pytorch_model.bin"), "PK\x03\x04");
    QCOMPARE(expectError([&] { TensorStore::openFolder(dir); }, {dir, QStringLiteral("arbitrary code")}), QString());
}

void TestSafeTensors::inMemoryStore()
{
    const auto store = TensorStore::fromFloatTensors(QStringLiteral("ckpt.bin"), {{QStringLiteral("w"), {{2, 3}, {1, 2, 3, 4, 5, 6}}}});
    QCOMPARE(store->names(), QStringList({QStringLiteral("w")}));
    QVERIFY(store->files().isEmpty());
    QCOMPARE(store->view(QStringLiteral("w")).bytes, store->view(QStringLiteral("w")).bytes);
    QCOMPARE(store->toFloat(QStringLiteral("w")), std::vector<float>({1, 2, 3, 4, 5, 6}));
    QCOMPARE(expectError([] { TensorStore::fromFloatTensors(QStringLiteral("x.bin"), {{QStringLiteral("w"), {{2, 3}, {1}}}}); },
                         {QStringLiteral("x.bin"), QStringLiteral("'w'")}),
             QString());
}

void TestSafeTensors::headerValidation_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<int>("dataSize");
    QTest::addColumn<QString>("needle");
    const auto row = [](const char *name, const QByteArray &h, int size, const char *needle) {
        QTest::newRow(name) << h << size << QString::fromUtf8(needle);
    };
    row("not json", "{\"a\": ", 0, "not valid JSON");
    row("array", "[1, 2]", 0, "must be a JSON object, but it is an array");
    row("invalid utf8", "{\"\xff\xfe\": {}}", 0, "not valid UTF-8");
    row("overlong utf8", "{\"\xc0\xaf\": {}}", 0, "not valid UTF-8");
    row("entry not object", R"({"t": [1]})", 0, "tensor 't' is an array, not an object");
    row("dtype missing", R"({"t": {"shape": [1], "data_offsets": [0, 4]}})", 4, "dtype must be a string, but it is missing");
    row("dtype number", R"({"t": {"dtype": 4, "shape": [1], "data_offsets": [0, 4]}})", 4, "dtype must be a string");
    row("unknown dtype", R"({"t": {"dtype": "F128", "shape": [1], "data_offsets": [0, 4]}})", 4, "unknown dtype 'F128'");
    row("shape not array", R"({"t": {"dtype": "F32", "shape": 4, "data_offsets": [0, 16]}})", 16, "shape must be an array");
    row("shape string dim", R"({"t": {"dtype": "F32", "shape": ["4"], "data_offsets": [0, 16]}})", 16, "not an integer");
    row("fractional dim", R"({"t": {"dtype": "F32", "shape": [2.5], "data_offsets": [0, 10]}})", 10, "not an integer (2.5)");
    row("negative dim", R"({"t": {"dtype": "F32", "shape": [4, -4], "data_offsets": [0, 16]}})", 16, "negative dimension (-4)");
    row("rank", R"({"t": {"dtype": "U8", "shape": [1,1,1,1,1,1,1,1,1], "data_offsets": [0, 1]}})", 1, "rank 9, more than the limit of 8");
    row("terabytes", R"({"x.weight": {"dtype": "F32", "shape": [1048576, 1048576], "data_offsets": [0, 4]}})", 4,
        "tensor 'x.weight' claims 4398046511104 bytes (shape [1048576, 1048576] F32), more than the 1 TB limit");
    row("overflow", R"({"t": {"dtype": "F64", "shape": [4294967296, 4294967296, 4294967296], "data_offsets": [0, 8]}})", 8,
        "claims more than 2^64 bytes");
    row("offsets missing", R"({"t": {"dtype": "U8", "shape": [1]}})", 1, "data_offsets must be an array of two");
    row("offsets string", R"({"t": {"dtype": "U8", "shape": [1], "data_offsets": "0,1"}})", 1, "but it is a string");
    row("offsets three", R"({"t": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1, 2]}})", 2, "data_offsets must be");
    row("offsets negative", R"({"t": {"dtype": "U8", "shape": [1], "data_offsets": [-1, 0]}})", 1, "data_offsets must be");
    row("offsets fraction", R"({"t": {"dtype": "U8", "shape": [1], "data_offsets": [0, 0.5]}})", 1, "data_offsets must be");
    row("begin after end", R"({"t": {"dtype": "U8", "shape": [0], "data_offsets": [8, 0]}})", 8, "begin is after end");
    row("past data end", R"({"t": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}})", 12, "run past the end of the data (12 bytes)");
    row("huge offset", R"({"t": {"dtype": "U8", "shape": [1], "data_offsets": [9007199254740992, 9007199254740993]}})", 8, "run past the end");
    row("size mismatch", R"({"t": {"dtype": "F32", "shape": [4, 4], "data_offsets": [0, 32]}})", 64,
        "has 32 bytes (data_offsets [0, 32]) but shape [4, 4] F32 needs 64 bytes");
    row("overlap", R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
                      "b": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}})", 16, "tensors 'a' and 'b' overlap");
    row("nested overlap", R"({"big": {"dtype": "U8", "shape": [16], "data_offsets": [0, 16]},
                             "c": {"dtype": "U8", "shape": [2], "data_offsets": [4, 6]},
                             "d": {"dtype": "U8", "shape": [2], "data_offsets": [10, 12]}})", 16, "overlap");
    row("metadata not object", R"({"__metadata__": ["a"]})", 0, "__metadata__ must be an object of strings, but it is an array");
    row("metadata not strings", R"({"__metadata__": {"format": "pt", "epoch": 3}})", 0, "__metadata__ must map names to strings, but 'epoch' is a number");
}

void TestSafeTensors::headerValidation()
{
    QFETCH(QByteArray, header);
    QFETCH(int, dataSize);
    QFETCH(QString, needle);
    const QString path = QStringLiteral("/models/hostile.safetensors");
    QCOMPARE(expectError([&] { SafeTensorsFile::parseHeader(header, uint64_t(dataSize), path); }, {path + QStringLiteral(": "), needle}),
             QString());
}

void TestSafeTensors::fileLevelValidation_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("needle");
    const QByteArray valid = R"({"t": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]}})";
    QTest::newRow("empty") << QByteArray() << QStringLiteral("0 bytes, too short");
    QTest::newRow("4 bytes") << QByteArray("\x10\0\0\0", 4) << QStringLiteral("4 bytes, too short");
    QTest::newRow("header past end") << (le64(1000) + "{}") << QStringLiteral("header length 1000 runs past the end of the file (10 bytes)");
    QTest::newRow("header 2^63") << (le64(1ull << 63) + valid) << QStringLiteral("header length 9223372036854775808 runs past the end");
    QTest::newRow("header 2^64-1") << (le64(~0ull) + valid) << QStringLiteral("runs past the end");
    QTest::newRow("truncated data") << rawFile(valid, "x") << QStringLiteral("run past the end of the data (1 bytes)");
    QTest::newRow("valid") << rawFile(valid, "xy") << QString();
    QTest::newRow("valid, padded, trailing bytes") << rawFile(valid + "     ", "xyz") << QString();
}

void TestSafeTensors::fileLevelValidation()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, needle);
    const QString path = m_tmp.filePath(QStringLiteral("file_%1.safetensors").arg(QTest::currentDataTag()).replace(' ', '_'));
    writeBytes(path, bytes);
    if (needle.isEmpty()) {
        const auto file = SafeTensorsFile::open(path);
        QCOMPARE(QByteArray(reinterpret_cast<const char *>(file->data(*file->find(QStringLiteral("t")))), 2), QByteArray("xy"));
        return;
    }
    QCOMPARE(expectError([&] { SafeTensorsFile::open(path); }, {path + QStringLiteral(": "), needle}), QString());
}

void TestSafeTensors::limitsAreConfigurable()
{
    SafeTensorsWriter writer;
    writer.addFloat(QStringLiteral("a"), {4}, {1, 2, 3, 4});
    writer.addFloat(QStringLiteral("b"), {2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
    const QString path = m_tmp.filePath(QStringLiteral("limits.safetensors"));
    writer.write(path);
    SafeTensorsLimits limits;
    limits.maxHeaderBytes = 16;
    QCOMPARE(expectError([&] { SafeTensorsFile::open(path, limits); }, {path, QStringLiteral("over the 16 bytes limit")}), QString());
    limits = {};
    limits.maxTensorBytes = 16;
    QCOMPARE(expectError([&] { SafeTensorsFile::open(path, limits); }, {QStringLiteral("'b' claims 32 bytes"), QStringLiteral("16 bytes limit")}), QString());
    limits = {};
    limits.maxRank = 2;
    QCOMPARE(expectError([&] { TensorStore::openFile(path, limits); }, {QStringLiteral("'b' has rank 3")}), QString());
    limits = {};
    limits.maxTensors = 1;
    QCOMPARE(expectError([&] { TensorStore::openFile(path, limits); }, {QStringLiteral("2 entries")}), QString());
    QCOMPARE(expectError([&] { SafeTensorsFile::open(m_tmp.path()); }, {QStringLiteral("is a folder")}), QString());
    QCOMPARE(expectError([&] { SafeTensorsFile::open(m_tmp.filePath(QStringLiteral("absent.safetensors"))); }, {QStringLiteral("no such file")}), QString());
}

void TestSafeTensors::writeFailureKeepsOldFile()
{
    const QString path = m_tmp.filePath(QStringLiteral("keep.safetensors"));
    SafeTensorsWriter small;
    small.addFloat(QStringLiteral("w"), {1}, {1});
    small.write(path);
    const QByteArray before = readAll(path);

    // A file-size limit makes writes fail like a full disk would.
    SafeTensorsWriter big;
    big.addFloat(QStringLiteral("w"), {16384}, std::vector<float>(16384, 2.0f));
    rlimit saved;
    QCOMPARE(getrlimit(RLIMIT_FSIZE, &saved), 0);
    const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit tight = saved;
    tight.rlim_cur = 4096;
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &tight), 0);
    const QString failure = expectError([&] { big.write(path); }, {path, QStringLiteral("could not be written")});
    setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, oldHandler);
    QCOMPARE(failure, QString());
    QCOMPARE(readAll(path), before);
    QCOMPARE(QDir(m_tmp.path()).entryList({QStringLiteral("keep.safetensors*")}, QDir::Files | QDir::Hidden).size(), 1); // no leftovers

    QCOMPARE(expectError([&] { small.write(m_tmp.filePath(QStringLiteral("no/such/dir/x.safetensors"))); },
                         {QStringLiteral("no/such/dir/x.safetensors"), QStringLiteral("cannot be written")}),
             QString());
}

QTEST_GUILESS_MAIN(TestSafeTensors)
#include "tst_safetensors.moc"
