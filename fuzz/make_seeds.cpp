// Writes the seed corpus of every fuzz target into <out>/<target>/ from the
// project's test files (tests/data, tests/data/hostile, resources/examples),
// the shared models and tokenizers, and a few small valid files made here
// with the project's own writers (a session, one safetensors file per dtype,
// llama2.c checkpoints of both versions). Nothing large is committed.
//   make_seeds <source dir> <shared dir> <out dir>
#include "io/TensorStore.h"
#include "session/SessionFile.h"

#include "SyntheticSession.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QtEndian>

#include <cstdio>
#include <cstring>

namespace {

QString g_out;
int g_written = 0;

QByteArray readAll(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "make_seeds: cannot read %s\n", qPrintable(path));
        std::exit(1);
    }
    return file.readAll();
}

void seed(const QString &target, const QString &name, const QByteArray &bytes)
{
    const QDir dir(g_out + QLatin1Char('/') + target);
    QDir().mkpath(dir.path());
    QFile file(dir.filePath(QString(name).replace(QLatin1Char('/'), QLatin1Char('_'))));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size()) {
        std::fprintf(stderr, "make_seeds: cannot write %s\n", qPrintable(file.fileName()));
        std::exit(1);
    }
    ++g_written;
}

// Every file under `dir` whose name matches `pattern`, named by its path below `dir`.
void seedFiles(const QString &target, const QString &dir, const QString &pattern, const QByteArray &prefix = {})
{
    QDirIterator it(dir, {pattern}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        seed(target, QDir(dir).relativeFilePath(path), prefix + readAll(path));
    }
}

QByteArray int32s(std::initializer_list<int32_t> values)
{
    QByteArray out;
    for (int32_t v : values) {
        char bytes[4];
        qToLittleEndian<qint32>(v, bytes);
        out.append(bytes, 4);
    }
    return out;
}

// A tiny llama2.c checkpoint whose size matches its header (core/model/Llama2cCheckpoint.cpp's layout).
QByteArray llama2cCheckpoint(int version, bool sharedClassifier)
{
    const int D = 4, H = 8, L = 1, heads = 2, kvHeads = 1, V = 6, seq = 2;
    const int headSize = D / heads, kvDim = headSize * kvHeads;
    int64_t floats = int64_t(V) * D + 2 * L * D + D + L * (2 * D * D + 2 * kvDim * D + 3 * H * D);
    if (version == 0)
        floats += 2 * seq * (headSize / 2);
    if (!sharedClassifier)
        floats += int64_t(V) * D;
    QByteArray header;
    if (version == 0) {
        header = int32s({D, H, L, heads, kvHeads, sharedClassifier ? V : -V, seq});
    } else {
        header = int32s({0x616b3432, 1, D, H, L, heads, kvHeads, V, seq});
        header.append(char(sharedClassifier ? 1 : 0));
        header.append(256 - header.size(), '\0');
    }
    QByteArray weights(floats * 4, '\0');
    for (int64_t i = 0; i < floats; ++i) {
        const float v = float(i % 17) / 17.0f - 0.5f;
        std::memcpy(weights.data() + 4 * i, &v, 4);
    }
    return header + weights;
}

QByteArray llama2cTokenizer(const QList<QByteArray> &pieces)
{
    QByteArray out = int32s({8});
    for (qsizetype i = 0; i < pieces.size(); ++i) {
        const float score = -float(i);
        char bits[4];
        std::memcpy(bits, &score, 4);
        out.append(bits, 4);
        out += int32s({int32_t(pieces[i].size())}) + pieces[i];
    }
    return out;
}

void safetensorsSeeds()
{
    const std::pair<qkov::DType, int> dtypes[] = {{qkov::DType::F32, 4}, {qkov::DType::F16, 2}, {qkov::DType::BF16, 2},
                                                   {qkov::DType::F64, 8}, {qkov::DType::I64, 8}, {qkov::DType::U8, 1}};
    qkov::SafeTensorsWriter all;
    all.setMetadata(QStringLiteral("format"), QStringLiteral("pt"));
    for (const auto &[dtype, bytes] : dtypes) {
        QByteArray values(6 * bytes, '\0');
        for (qsizetype i = 0; i < values.size(); ++i)
            values[i] = char(i * 37 + 11);
        qkov::SafeTensorsWriter one;
        one.add(QStringLiteral("w"), dtype, {2, 3}, values.constData());
        seed(QStringLiteral("safetensors"), QStringLiteral("dtype_") + qkov::dtypeName(dtype), one.toBytes());
        all.add(QStringLiteral("t.") + qkov::dtypeName(dtype), dtype, {3, 2}, values.constData());
    }
    all.add(QStringLiteral("scalar"), qkov::DType::F32, {}, "\0\0\x80\x3f");
    all.add(QStringLiteral("empty"), qkov::DType::F32, {0, 4}, "");
    seed(QStringLiteral("safetensors"), QStringLiteral("all_dtypes"), all.toBytes());
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc != 4) {
        std::fprintf(stderr, "usage: make_seeds <source dir> <shared dir> <out dir>\n");
        return 2;
    }
    const QString source = QString::fromLocal8Bit(argv[1]), shared = QString::fromLocal8Bit(argv[2]);
    g_out = QString::fromLocal8Bit(argv[3]);
    const QString hostile = source + QStringLiteral("/tests/data/hostile");

    safetensorsSeeds();
    seedFiles(QStringLiteral("safetensors"), hostile, QStringLiteral("*.safetensors"));

    // The header target reads two bytes of data-area size, then the JSON.
    for (const QString &name : QDir(g_out + QStringLiteral("/safetensors")).entryList(QDir::Files)) {
        const QByteArray file = readAll(g_out + QStringLiteral("/safetensors/") + name);
        if (file.size() < 8)
            continue;
        const quint64 length = qFromLittleEndian<quint64>(file.constData());
        const QByteArray json = file.mid(8, qsizetype(qMin<quint64>(length, quint64(file.size()))));
        const quint64 dataSize = qMin<quint64>(quint64(file.size()) - qMin<quint64>(quint64(file.size()), 8 + length), 0xffff);
        seed(QStringLiteral("safetensors_header"), name, QByteArray(1, char(dataSize & 0xff)) + char(dataSize >> 8) + json);
    }

    seedFiles(QStringLiteral("safetensors_index"), hostile, QStringLiteral("*.index.json"));
    seed(QStringLiteral("safetensors_index"), QStringLiteral("valid.index.json"),
         R"({"metadata":{"total_size":48},"weight_map":{"layers.0.weight":"model-00001-of-00002.safetensors",)"
         R"("layers.1.weight":"model-00002-of-00002.safetensors","shared.bias":"model-00001-of-00002.safetensors"}})");

    seedFiles(QStringLiteral("config"), hostile, QStringLiteral("config.json"));
    seedFiles(QStringLiteral("config"), shared + QStringLiteral("/models"), QStringLiteral("config.json"));

    seedFiles(QStringLiteral("tokenizer_json"), shared + QStringLiteral("/models"), QStringLiteral("tokenizer.json"));
    seedFiles(QStringLiteral("tokenizer_json"), source + QStringLiteral("/fuzz/seeds/tokenizer_json"), QStringLiteral("*.json"));
    seedFiles(QStringLiteral("tokenizer_config"), shared, QStringLiteral("tokenizer_config.json"));

    seedFiles(QStringLiteral("llama2c_checkpoint"), hostile, QStringLiteral("llama2c_*.bin"));
    for (int version : {0, 1})
        for (bool sharedClassifier : {true, false})
            seed(QStringLiteral("llama2c_checkpoint"), QStringLiteral("tiny_v%1_%2.bin").arg(version).arg(sharedClassifier ? "shared" : "classifier"),
                 llama2cCheckpoint(version, sharedClassifier));

    seedFiles(QStringLiteral("llama2c_tokenizer"), shared + QStringLiteral("/models/stories260K-llama2c"), QStringLiteral("tok*.bin"));
    seed(QStringLiteral("llama2c_tokenizer"), QStringLiteral("tiny.bin"),
         llama2cTokenizer({"<unk>", "<s>", "</s>", "<0x0A>", "<0xE6>", " ", "O", "n", "c", "e", "On", "Once", "\xe2\x96\x81"}));

    // The dataset target's first byte picks the format: 0 text, 1 jsonl, 2 csv.
    seedFiles(QStringLiteral("dataset"), source + QStringLiteral("/resources/examples"), QStringLiteral("*.txt"), QByteArray(1, '\0'));
    seedFiles(QStringLiteral("dataset"), source + QStringLiteral("/fuzz/seeds/dataset"), QStringLiteral("*.jsonl"), QByteArray(1, '\1'));
    seedFiles(QStringLiteral("dataset"), source + QStringLiteral("/fuzz/seeds/dataset"), QStringLiteral("*.csv"), QByteArray(1, '\2'));

    const QString sessionPath = g_out + QStringLiteral("/synthetic.qkov");
    qkov::SessionFile::save(qkov::test::syntheticResult(2, 3, 2, 2), sessionPath);
    seed(QStringLiteral("session"), QStringLiteral("synthetic.qkov"), readAll(sessionPath));
    const auto file = qkov::SafeTensorsFile::open(sessionPath);
    seed(QStringLiteral("session_json"), QStringLiteral("synthetic.json"),
         file->metadata().value(QStringLiteral("qkov.session")).toString().toUtf8());
    QFile::remove(sessionPath);

    std::printf("make_seeds: %d seed files in %s\n", g_written, qPrintable(g_out));
    return 0;
}
