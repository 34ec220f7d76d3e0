// llama2.c import: the real stories260K checkpoint must equal its HF export
// bit for bit; synthetic v0/v1, shared/separate-classifier files import as
// written; truncated and hostile files give one qkov::Error naming the file.
#include "Error.h"
#include "io/TensorStore.h"
#include "model/Llama2cCheckpoint.h"
#include "model/ModelConfig.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>

#include <cstring>

using namespace qkov;

namespace {

const QString kBin = QStringLiteral(QKOV_SHARED_DIR "/models/stories260K-llama2c/stories260K.bin");
const QString kHfDir = QStringLiteral(QKOV_SHARED_DIR "/models/stories260K");

// A small model held in llama2.c's own layout (rows of q/k in adjacent-pair
// RoPE order), filled with distinct values so every misplaced float shows.
struct SyntheticModel
{
    int dim = 16, hidden = 24, layers = 2, heads = 4, kvHeads = 2, vocab = 11, seqLen = 7;
    bool shared = true;
    std::vector<float> embedding, rmsFinal, classifier;
    std::vector<std::vector<float>> rmsAtt, wq, wk, wv, wo, rmsFfn, w1, w2, w3;

    int headSize() const { return dim / heads; }
    int kvDim() const { return headSize() * kvHeads; }

    void fill()
    {
        float next = 0.0f;
        auto make = [&](size_t n) {
            std::vector<float> v(n);
            for (float &x : v)
                x = (next += 0.25f);
            return v;
        };
        const size_t D = size_t(dim), H = size_t(hidden), KV = size_t(kvDim());
        embedding = make(size_t(vocab) * D);
        for (int l = 0; l < layers; ++l) {
            rmsAtt.push_back(make(D));
            wq.push_back(make(D * D));
            wk.push_back(make(KV * D));
            wv.push_back(make(KV * D));
            wo.push_back(make(D * D));
            rmsFfn.push_back(make(D));
            w1.push_back(make(H * D));
            w2.push_back(make(D * H));
            w3.push_back(make(H * D));
        }
        rmsFinal = make(D);
        classifier = make(size_t(vocab) * D);
    }

    static void put(QByteArray &out, const std::vector<float> &v)
    {
        out.append(reinterpret_cast<const char *>(v.data()), qsizetype(v.size() * sizeof(float)));
    }
    static void putInt(QByteArray &out, qint32 value)
    {
        char bytes[4];
        qToLittleEndian(value, bytes);
        out.append(bytes, 4);
    }
    static void putAll(QByteArray &out, const std::vector<std::vector<float>> &stack)
    {
        for (const auto &v : stack)
            put(out, v);
    }

    // export.py legacy_export
    QByteArray version0() const
    {
        QByteArray out;
        for (int v : {dim, hidden, layers, heads, kvHeads, shared ? vocab : -vocab, seqLen})
            putInt(out, v);
        put(out, embedding);
        putAll(out, rmsAtt);
        putAll(out, wq);
        putAll(out, wk);
        putAll(out, wv);
        putAll(out, wo);
        putAll(out, rmsFfn);
        putAll(out, w1);
        putAll(out, w2);
        putAll(out, w3);
        put(out, rmsFinal);
        put(out, std::vector<float>(size_t(2 * seqLen * headSize() / 2), -1.0f)); // freq_cis
        if (!shared)
            put(out, classifier);
        return out;
    }

    // export.py version1_export
    QByteArray version1() const
    {
        QByteArray out;
        char magic[4];
        qToLittleEndian(quint32(0x616b3432), magic);
        out.append(magic, 4);
        putInt(out, 1);
        for (int v : {dim, hidden, layers, heads, kvHeads, vocab, seqLen})
            putInt(out, v);
        out.append(char(shared ? 1 : 0));
        out.append(QByteArray(256 - out.size(), '\0'));
        putAll(out, rmsAtt);
        putAll(out, rmsFfn);
        put(out, rmsFinal);
        put(out, embedding);
        putAll(out, wq);
        putAll(out, wk);
        putAll(out, wv);
        putAll(out, wo);
        putAll(out, w1);
        putAll(out, w2);
        putAll(out, w3);
        if (!shared)
            put(out, classifier);
        return out;
    }

    // HF row j of head h (rotate-half order) is llama2.c row 2j of the head
    // for j < hd/2, else row 2(j - hd/2) + 1.
    std::vector<float> rotateHalfRows(const std::vector<float> &w, int numHeads) const
    {
        const int hd = headSize(), half = hd / 2;
        std::vector<float> out;
        for (int h = 0; h < numHeads; ++h) {
            for (int j = 0; j < hd; ++j) {
                const int source = h * hd + (j < half ? 2 * j : 2 * (j - half) + 1);
                out.insert(out.end(), w.begin() + source * dim, w.begin() + (source + 1) * dim);
            }
        }
        return out;
    }
};

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &bytes)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

std::vector<float> valuesOf(const TensorStore &store, const QString &name)
{
    return store.toFloat(name);
}

// The error importing `path` throws ("" if it imports).
QString importError(const QString &path)
{
    try {
        importLlama2c(path);
    } catch (const Error &e) {
        if (e.where() != path)
            return QStringLiteral("wrong where: ") + e.where();
        return e.problem();
    }
    return {};
}

QByteArray legacyHeader(std::initializer_list<qint32> fields)
{
    QByteArray out;
    for (qint32 v : fields)
        SyntheticModel::putInt(out, v);
    return out;
}

} // namespace

class TestLlama2c : public QObject
{
    Q_OBJECT

private:
    void checkSynthetic(const SyntheticModel &m, const QString &path)
    {
        const Llama2cImport imported = importLlama2c(path);
        const TensorStore &s = *imported.tensors;
        QCOMPARE(imported.config.tieWordEmbeddings, m.shared);
        QCOMPARE(imported.config.vocabSize, m.vocab);
        QCOMPARE(imported.config.numKvHeads, m.kvHeads);
        QCOMPARE(imported.config.maxPositions, m.seqLen);
        QCOMPARE(s.names().size(), 2 + 9 * m.layers + (m.shared ? 0 : 1));
        QCOMPARE(valuesOf(s, QStringLiteral("model.embed_tokens.weight")), m.embedding);
        QCOMPARE(valuesOf(s, QStringLiteral("model.norm.weight")), m.rmsFinal);
        for (int l = 0; l < m.layers; ++l) {
            const QString p = QStringLiteral("model.layers.%1.").arg(l);
            QCOMPARE(valuesOf(s, p + QStringLiteral("input_layernorm.weight")), m.rmsAtt[l]);
            QCOMPARE(valuesOf(s, p + QStringLiteral("self_attn.q_proj.weight")), m.rotateHalfRows(m.wq[l], m.heads));
            QCOMPARE(valuesOf(s, p + QStringLiteral("self_attn.k_proj.weight")), m.rotateHalfRows(m.wk[l], m.kvHeads));
            QCOMPARE(valuesOf(s, p + QStringLiteral("self_attn.v_proj.weight")), m.wv[l]);
            QCOMPARE(valuesOf(s, p + QStringLiteral("self_attn.o_proj.weight")), m.wo[l]);
            QCOMPARE(valuesOf(s, p + QStringLiteral("post_attention_layernorm.weight")), m.rmsFfn[l]);
            QCOMPARE(valuesOf(s, p + QStringLiteral("mlp.gate_proj.weight")), m.w1[l]);
            QCOMPARE(valuesOf(s, p + QStringLiteral("mlp.down_proj.weight")), m.w2[l]);
            QCOMPARE(valuesOf(s, p + QStringLiteral("mlp.up_proj.weight")), m.w3[l]);
            QCOMPARE(s.meta(p + QStringLiteral("self_attn.k_proj.weight")).shape,
                     (std::vector<int64_t>{m.kvDim(), m.dim}));
            QCOMPARE(s.meta(p + QStringLiteral("mlp.down_proj.weight")).shape, (std::vector<int64_t>{m.dim, m.hidden}));
        }
        QCOMPARE(s.contains(QStringLiteral("lm_head.weight")), !m.shared);
        if (!m.shared)
            QCOMPARE(valuesOf(s, QStringLiteral("lm_head.weight")), m.classifier);
    }

private Q_SLOTS:
    void stories260KEqualsItsHfExportBitForBit()
    {
        const Llama2cImport imported = importLlama2c(kBin);
        const auto hf = TensorStore::openFile(kHfDir + QStringLiteral("/model.safetensors"));
        QCOMPARE(imported.tensors->names(), hf->names());
        QVERIFY(!hf->contains(QStringLiteral("lm_head.weight")));
        for (const QString &name : hf->names()) {
            const TensorView ours = imported.tensors->view(name);
            const TensorView theirs = hf->view(name);
            QCOMPARE(ours.dtype, DType::F32);
            QCOMPARE(theirs.dtype, DType::F32);
            QCOMPARE(ours.shape, theirs.shape);
            QVERIFY2(std::memcmp(ours.bytes, theirs.bytes, size_t(ours.numel()) * sizeof(float)) == 0,
                     qPrintable(QStringLiteral("tensor %1 differs").arg(name)));
        }
    }

    void stories260KConfigMatchesHfConfig()
    {
        const Llama2cImport imported = importLlama2c(kBin);
        const ModelConfig hf = ModelConfig::fromFile(kHfDir + QStringLiteral("/config.json"));
        const ModelConfig &c = imported.config;
        QCOMPARE(c.modelType, hf.modelType);
        QCOMPARE(c.numLayers, hf.numLayers);
        QCOMPARE(c.numHeads, hf.numHeads);
        QCOMPARE(c.numKvHeads, hf.numKvHeads);
        QCOMPARE(c.hiddenSize, hf.hiddenSize);
        QCOMPARE(c.headDim, hf.headDim);
        QCOMPARE(c.intermediateSize, hf.intermediateSize);
        QCOMPARE(c.vocabSize, hf.vocabSize);
        QCOMPARE(c.maxPositions, hf.maxPositions);
        QCOMPARE(c.normEps, hf.normEps);
        QCOMPARE(c.rope.theta, hf.rope.theta);
        QCOMPARE(c.activation, hf.activation);
        QCOMPARE(c.tieWordEmbeddings, hf.tieWordEmbeddings);
        QCOMPARE(c.bosTokenId, hf.bosTokenId);
        QCOMPARE(c.eosTokenId, hf.eosTokenId);
        QCOMPARE(c.norm, NormKind::RMSNorm);
        QCOMPARE(c.sourcePath, kBin);
        // raw carries the HF keys so family code reading raw sees the same values.
        QCOMPARE(c.intKey({"num_key_value_heads"}), hf.intKey({"num_key_value_heads"}));
    }

    void syntheticFormats_data()
    {
        QTest::addColumn<int>("version");
        QTest::addColumn<bool>("shared");
        QTest::newRow("v0 shared") << 0 << true;
        QTest::newRow("v0 separate classifier") << 0 << false;
        QTest::newRow("v1 shared") << 1 << true;
        QTest::newRow("v1 separate classifier") << 1 << false;
    }

    void syntheticFormats()
    {
        QFETCH(int, version);
        QFETCH(bool, shared);
        SyntheticModel m;
        m.shared = shared;
        m.fill();
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QByteArray bytes = version == 0 ? m.version0() : m.version1();
        const QString path = writeFile(dir, QStringLiteral("model.bin"), bytes);
        const Llama2cHeader header = parseLlama2cHeader(bytes.left(256), bytes.size(), path);
        QCOMPARE(header.version, version);
        QCOMPARE(header.sharedClassifier, shared);
        QCOMPARE(header.dataOffset, version == 0 ? int64_t(28) : int64_t(256));
        checkSynthetic(m, path);
    }

    void truncatedFiles()
    {
        QFile source(kBin);
        QVERIFY(source.open(QIODevice::ReadOnly));
        const QByteArray whole = source.readAll();
        QTemporaryDir dir;
        for (qsizetype size : {qsizetype(0), qsizetype(10), qsizetype(27), qsizetype(28), qsizetype(1000),
                               whole.size() - 4, whole.size() - 1}) {
            const QString path = writeFile(dir, QStringLiteral("cut%1.bin").arg(size), whole.left(size));
            const QString problem = importError(path);
            QVERIFY2(!problem.isEmpty() && !problem.startsWith(QStringLiteral("wrong where")), qPrintable(problem));
            if (size >= 28)
                QVERIFY2(problem.contains(QStringLiteral("truncated")), qPrintable(problem));
            else
                QVERIFY2(problem.contains(QStringLiteral("too short")), qPrintable(problem));
        }
        const QString longer = writeFile(dir, QStringLiteral("longer.bin"), whole + QByteArray(4, '\0'));
        QVERIFY(importError(longer).contains(QStringLiteral("longer than the model")));
    }

    void hostileHeaders_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("problem");
        // Each within its own bounds, together ~7e14 bytes: must be refused by arithmetic, not by allocating.
        QTest::newRow("huge claim") << legacyHeader({65536, 262144, 10000, 64, 64, 32000, 4096})
                                    << QStringLiteral("implies");
        QTest::newRow("dim too large") << legacyHeader({1 << 30, 172, 5, 8, 4, 512, 512})
                                       << QStringLiteral("dim is 1073741824, which is implausible");
        QTest::newRow("zero layers") << legacyHeader({64, 172, 0, 8, 4, 512, 512})
                                     << QStringLiteral("n_layers must be positive, got 0");
        QTest::newRow("negative heads") << legacyHeader({64, 172, 5, -8, 4, 512, 512})
                                        << QStringLiteral("n_heads must be positive");
        QTest::newRow("INT_MIN vocab") << legacyHeader({64, 172, 5, 8, 4, qint32(0x80000000), 512})
                                       << QStringLiteral("vocab_size must be positive");
        QTest::newRow("heads not dividing dim") << legacyHeader({64, 172, 5, 7, 7, 512, 512})
                                                << QStringLiteral("n_heads (7) does not divide dim (64)");
        QTest::newRow("kv not dividing heads") << legacyHeader({64, 172, 5, 8, 3, 512, 512})
                                               << QStringLiteral("n_kv_heads (3) does not divide n_heads (8)");
        QTest::newRow("odd head size") << legacyHeader({24, 172, 5, 8, 4, 512, 512})
                                       << QStringLiteral("is odd");
        QByteArray v2 = legacyHeader({0x616b3432, 2});
        v2.append(QByteArray(256, '\0'));
        QTest::newRow("version 2") << v2 << QStringLiteral("version 2 (int8-quantized)");
        QByteArray v7 = legacyHeader({0x616b3432, 7});
        v7.append(QByteArray(256, '\0'));
        QTest::newRow("unknown version") << v7 << QStringLiteral("unknown format version 7");
        QByteArray badFlag = legacyHeader({0x616b3432, 1, 64, 172, 5, 8, 4, 512, 512});
        badFlag.append(char(5));
        badFlag.append(QByteArray(256 - badFlag.size(), '\0'));
        QTest::newRow("shared flag 5") << badFlag << QStringLiteral("shared_classifier must be 0 or 1, got 5");
        QTest::newRow("short v1") << legacyHeader({0x616b3432, 1, 64, 172, 5, 8, 4, 512})
                                  << QStringLiteral("too short for a versioned llama2.c header");
    }

    void hostileHeaders()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, problem);
        QTemporaryDir dir;
        const QString path = writeFile(dir, QStringLiteral("hostile.bin"), bytes + QByteArray(64, '\x7f'));
        const QString actual = importError(path);
        QVERIFY2(actual.contains(problem), qPrintable(actual));
    }

    void randomHeadersNeverEscapeAsOtherErrors()
    {
        QRandomGenerator random(20240229);
        int accepted = 0;
        for (int i = 0; i < 20000; ++i) {
            QByteArray head(256, '\0');
            for (char &c : head)
                c = char(random.bounded(256));
            // Small fields half the time, so that deeper checks are reached too.
            if (i % 2 == 0) {
                const int offset = (i % 4 == 0) ? 0 : 8;
                if (offset == 8)
                    qToLittleEndian(quint32(0x616b3432), head.data());
                for (int f = 0; f < 7; ++f)
                    qToLittleEndian(qint32(random.bounded(-4, 300)), head.data() + offset + 4 * f);
            }
            const int64_t fileSize = int64_t(random.bounded(0, 1 << 30));
            try {
                const Llama2cHeader h = parseLlama2cHeader(head, fileSize, QStringLiteral("fuzz.bin"));
                QVERIFY(h.dataOffset == 28 || h.dataOffset == 256);
                ++accepted;
            } catch (const Error &e) {
                QCOMPARE(e.where(), QStringLiteral("fuzz.bin"));
            }
        }
        QVERIFY(accepted < 20000);
    }

    void missingFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("absent.bin"));
        QCOMPARE(importError(path), QStringLiteral("file not found"));
    }
};

QTEST_GUILESS_MAIN(TestLlama2c)
#include "tst_llama2c.moc"
