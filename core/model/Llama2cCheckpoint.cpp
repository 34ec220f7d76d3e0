#include "Llama2cCheckpoint.h"

#include "../Error.h"
#include "ModelLimits.h"
#include "Translate.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QtEndian>

#include <cstring>
#include <limits>

namespace qkov {

namespace {

constexpr uint32_t kMagic = 0x616b3432; // "ak42", written as a little-endian uint32
constexpr int64_t kLegacyHeaderBytes = 7 * 4;
constexpr int64_t kVersionedHeaderBytes = 256;

// Bounds past which a header is corrupt or hostile (LLaMA 2 70B: dim 8192,
// hidden 28672, 80 layers, 64 heads, vocab 32000, seq 4096).
constexpr int kMaxDim = 1 << 16;
constexpr int kMaxHiddenDim = 1 << 18;
using namespace modelLimits;
constexpr int kMaxSeqLen = 1 << 24;

int32_t readInt32(const QByteArray &bytes, int offset)
{
    return qFromLittleEndian<qint32>(bytes.constData() + offset);
}

// Products and sums of header values in int64, refusing to overflow.
struct CheckedSize
{
    int64_t value = 0;
    bool overflow = false;

    CheckedSize &add(int64_t a)
    {
        overflow = overflow || __builtin_add_overflow(value, a, &value);
        return *this;
    }
    static CheckedSize product(std::initializer_list<int64_t> factors)
    {
        CheckedSize s{1, false};
        for (int64_t f : factors)
            s.overflow = s.overflow || __builtin_mul_overflow(s.value, f, &s.value);
        return s;
    }
};

// Where each block of floats begins (counted in floats from dataOffset).
struct Layout
{
    int64_t embedding = 0, rmsAtt = 0, wq = 0, wk = 0, wv = 0, wo = 0, rmsFfn = 0;
    int64_t w1 = 0, w2 = 0, w3 = 0, rmsFinal = 0, classifier = -1;
    int64_t totalFloats = 0;
    bool overflow = false;
};

Layout layoutOf(const Llama2cHeader &h)
{
    const int64_t headSize = h.dim / h.numHeads;
    const int64_t kvDim = headSize * h.numKvHeads;
    Layout layout;
    CheckedSize cursor;
    auto block = [&](int64_t &offset, std::initializer_list<int64_t> shape) {
        offset = cursor.value;
        const CheckedSize n = CheckedSize::product(shape);
        cursor.overflow = cursor.overflow || n.overflow;
        cursor.add(n.value);
    };
    const int64_t L = h.numLayers, D = h.dim, H = h.hiddenDim, V = h.vocabSize;
    if (h.version == 0) {
        block(layout.embedding, {V, D});
        block(layout.rmsAtt, {L, D});
        block(layout.wq, {L, D, D});
        block(layout.wk, {L, kvDim, D});
        block(layout.wv, {L, kvDim, D});
        block(layout.wo, {L, D, D});
        block(layout.rmsFfn, {L, D});
        block(layout.w1, {L, H, D});
        block(layout.w2, {L, D, H});
        block(layout.w3, {L, H, D});
        block(layout.rmsFinal, {D});
        int64_t freqs = 0; // freq_cis_real and _imag: unused, RoPE is recomputed
        block(freqs, {2, h.seqLen, headSize / 2});
    } else {
        // export.py version1_export: all norms first, no freq_cis.
        block(layout.rmsAtt, {L, D});
        block(layout.rmsFfn, {L, D});
        block(layout.rmsFinal, {D});
        block(layout.embedding, {V, D});
        block(layout.wq, {L, D, D});
        block(layout.wk, {L, kvDim, D});
        block(layout.wv, {L, kvDim, D});
        block(layout.wo, {L, D, D});
        block(layout.w1, {L, H, D});
        block(layout.w2, {L, D, H});
        block(layout.w3, {L, H, D});
    }
    if (!h.sharedClassifier)
        block(layout.classifier, {V, D});
    layout.totalFloats = cursor.value;
    layout.overflow = cursor.overflow;
    return layout;
}

void checkRange(const QString &path, const char *field, int value, int maximum)
{
    if (value <= 0)
        throw Error(path, tr("llama2.c header field %1 must be positive, got %2").arg(QLatin1String(field)).arg(value));
    if (value > maximum)
        throw Error(path, tr("llama2.c header field %1 is %2, which is implausible (at most %3)")
                              .arg(QLatin1String(field)).arg(value).arg(maximum));
}

using NamedTensor = std::pair<QString, std::pair<std::vector<int64_t>, std::vector<float>>>;

class TensorReader
{
public:
    explicit TensorReader(const uchar *data) : m_data(data) {}

    // `rows` x `cols` floats of the block at `blockOffset`, item `index` of a stack.
    std::vector<float> matrix(int64_t blockOffset, int64_t index, int64_t rows, int64_t cols) const
    {
        std::vector<float> values(size_t(rows * cols));
        const int64_t first = blockOffset + index * rows * cols;
        std::memcpy(values.data(), m_data + first * int64_t(sizeof(float)), values.size() * sizeof(float));
        return values;
    }

private:
    const uchar *m_data;
};

// llama2.c rotates adjacent pairs (2i, 2i+1) of each head; HF rotates
// (i, i + hd/2). Reordering the rows of each head as
// w.reshape(heads, hd/2, 2, dim).transpose(1, 2) makes HF's RoPE compute
// exactly llama2.c's, as llama2.c's own HF export does.
std::vector<float> permuteForRotateHalf(const std::vector<float> &w, int64_t heads, int64_t headDim, int64_t cols)
{
    std::vector<float> out(w.size());
    const int64_t half = headDim / 2;
    for (int64_t h = 0; h < heads; ++h) {
        for (int64_t i = 0; i < half; ++i) {
            for (int64_t c = 0; c < 2; ++c) {
                const float *src = w.data() + (h * headDim + 2 * i + c) * cols;
                float *dst = out.data() + (h * headDim + c * half + i) * cols;
                std::memcpy(dst, src, size_t(cols) * sizeof(float));
            }
        }
    }
    return out;
}

ModelConfig configFor(const Llama2cHeader &h, const QString &path)
{
    ModelConfig c;
    c.modelType = QStringLiteral("llama");
    c.architectures = {QStringLiteral("LlamaForCausalLM")};
    c.numLayers = h.numLayers;
    c.numHeads = h.numHeads;
    c.numKvHeads = h.numKvHeads;
    c.hiddenSize = h.dim;
    c.headDim = h.dim / h.numHeads;
    c.intermediateSize = h.hiddenDim;
    c.vocabSize = h.vocabSize;
    c.maxPositions = h.seqLen;
    c.norm = NormKind::RMSNorm;
    c.normEps = 1e-5;           // llama2.c model.py ModelArgs.norm_eps
    c.activation = QStringLiteral("silu");
    c.rope.enabled = true;
    c.rope.theta = 10000.0;
    c.tieWordEmbeddings = h.sharedClassifier;
    c.bosTokenId = 1;
    c.eosTokenId = 2;
    c.torchDtype = QStringLiteral("float32");
    c.sourcePath = path;
    // The config.json that llama2.c's HF export would write, for code reading raw keys.
    QJsonObject raw;
    raw.insert(QStringLiteral("architectures"), QJsonArray{c.architectures.front()});
    raw.insert(QStringLiteral("model_type"), c.modelType);
    raw.insert(QStringLiteral("vocab_size"), c.vocabSize);
    raw.insert(QStringLiteral("hidden_size"), c.hiddenSize);
    raw.insert(QStringLiteral("intermediate_size"), c.intermediateSize);
    raw.insert(QStringLiteral("num_hidden_layers"), c.numLayers);
    raw.insert(QStringLiteral("num_attention_heads"), c.numHeads);
    raw.insert(QStringLiteral("num_key_value_heads"), c.numKvHeads);
    raw.insert(QStringLiteral("max_position_embeddings"), c.maxPositions);
    raw.insert(QStringLiteral("rms_norm_eps"), c.normEps);
    raw.insert(QStringLiteral("rope_theta"), c.rope.theta);
    raw.insert(QStringLiteral("hidden_act"), c.activation);
    raw.insert(QStringLiteral("tie_word_embeddings"), c.tieWordEmbeddings);
    raw.insert(QStringLiteral("bos_token_id"), c.bosTokenId);
    raw.insert(QStringLiteral("eos_token_id"), c.eosTokenId);
    raw.insert(QStringLiteral("torch_dtype"), c.torchDtype);
    c.raw = raw;
    return c;
}

} // namespace

Llama2cHeader parseLlama2cHeader(const QByteArray &head, int64_t fileSize, const QString &path)
{
    if (fileSize < kLegacyHeaderBytes || head.size() < kLegacyHeaderBytes)
        throw Error(path, tr("is %1 bytes, too short for a llama2.c checkpoint header (%2 bytes)")
                              .arg(fileSize).arg(kLegacyHeaderBytes));
    Llama2cHeader h;
    int fieldsAt = 0;
    if (qFromLittleEndian<quint32>(head.constData()) == kMagic) {
        if (fileSize < kVersionedHeaderBytes || head.size() < kVersionedHeaderBytes)
            throw Error(path, tr("is %1 bytes, too short for a versioned llama2.c header (%2 bytes)")
                                  .arg(fileSize).arg(kVersionedHeaderBytes));
        h.version = readInt32(head, 4);
        if (h.version == 2)
            throw Error(path, tr("is a version 2 (int8-quantized) llama2.c checkpoint; only float32 versions 0 and 1 are supported"));
        if (h.version != 1)
            throw Error(path, tr("has the llama2.c magic but unknown format version %1").arg(h.version));
        fieldsAt = 8;
        const uchar shared = uchar(head.at(8 + 7 * 4));
        if (shared > 1)
            throw Error(path, tr("llama2.c header field shared_classifier must be 0 or 1, got %1").arg(shared));
        h.sharedClassifier = shared == 1;
        h.dataOffset = kVersionedHeaderBytes;
    } else {
        h.version = 0;
        h.dataOffset = kLegacyHeaderBytes;
    }
    h.dim = readInt32(head, fieldsAt);
    h.hiddenDim = readInt32(head, fieldsAt + 4);
    h.numLayers = readInt32(head, fieldsAt + 8);
    h.numHeads = readInt32(head, fieldsAt + 12);
    h.numKvHeads = readInt32(head, fieldsAt + 16);
    const int32_t vocab = readInt32(head, fieldsAt + 20);
    h.seqLen = readInt32(head, fieldsAt + 24);
    if (h.version == 0) {
        // Legacy: a negative vocab size flags a separate classifier at the end.
        h.sharedClassifier = vocab > 0;
        h.vocabSize = vocab == std::numeric_limits<int32_t>::min() ? 0 : (vocab < 0 ? -vocab : vocab);
    } else {
        h.vocabSize = vocab;
    }

    checkRange(path, "dim", h.dim, kMaxDim);
    checkRange(path, "hidden_dim", h.hiddenDim, kMaxHiddenDim);
    checkRange(path, "n_layers", h.numLayers, kMaxLayers);
    checkRange(path, "n_heads", h.numHeads, kMaxHeads);
    checkRange(path, "n_kv_heads", h.numKvHeads, kMaxHeads);
    checkRange(path, "vocab_size", h.vocabSize, kMaxVocab);
    checkRange(path, "seq_len", h.seqLen, kMaxSeqLen);
    if (h.dim % h.numHeads != 0)
        throw Error(path, tr("llama2.c header: n_heads (%1) does not divide dim (%2)").arg(h.numHeads).arg(h.dim));
    if (h.numKvHeads > h.numHeads || h.numHeads % h.numKvHeads != 0)
        throw Error(path, tr("llama2.c header: n_kv_heads (%1) does not divide n_heads (%2)").arg(h.numKvHeads).arg(h.numHeads));
    if ((h.dim / h.numHeads) % 2 != 0)
        throw Error(path, tr("llama2.c header: the head size dim / n_heads = %1 is odd; RoPE needs pairs")
                              .arg(h.dim / h.numHeads));

    const Layout layout = layoutOf(h);
    const int64_t maxFloats = (std::numeric_limits<int64_t>::max() - h.dataOffset) / int64_t(sizeof(float));
    if (layout.overflow || layout.totalFloats > maxFloats)
        throw Error(path, tr("llama2.c header describes a model too large to address"));
    const int64_t expected = h.dataOffset + layout.totalFloats * int64_t(sizeof(float));
    if (fileSize != expected) {
        const QString shape = tr("dim %1, hidden_dim %2, %3 layers, %4 heads, %5 kv heads, vocab %6%7, seq_len %8")
                                  .arg(h.dim).arg(h.hiddenDim).arg(h.numLayers).arg(h.numHeads).arg(h.numKvHeads)
                                  .arg(h.vocabSize).arg(h.sharedClassifier ? QString() : tr(" (separate classifier)"))
                                  .arg(h.seqLen);
        throw Error(path, tr("is %1 bytes but its llama2.c v%2 header (%3) implies %4 bytes; the file is %5")
                              .arg(fileSize).arg(h.version).arg(shape).arg(expected)
                              .arg(fileSize < expected ? tr("truncated or not a llama2.c checkpoint")
                                                       : tr("longer than the model it describes, so not a llama2.c checkpoint")));
    }
    return h;
}

Llama2cImport importLlama2c(const QString &path)
{
    QFile file(path);
    if (!QFileInfo::exists(path))
        throw Error(path, tr("file not found"));
    if (!file.open(QIODevice::ReadOnly))
        throw Error(path, tr("cannot be opened (%1)").arg(file.errorString()));
    const int64_t fileSize = file.size();
    const QByteArray head = file.read(kVersionedHeaderBytes);
    const Llama2cHeader h = parseLlama2cHeader(head, fileSize, path);
    const Layout layout = layoutOf(h);

    // The size now matches the header exactly, so mapping it is safe.
    const uchar *mapped = file.map(0, fileSize);
    QByteArray buffer;
    if (!mapped) {
        file.seek(0);
        buffer = file.readAll();
        if (buffer.size() != fileSize)
            throw Error(path, tr("cannot be read (%1)").arg(file.errorString()));
        mapped = reinterpret_cast<const uchar *>(buffer.constData());
    }
    const TensorReader read(mapped + h.dataOffset);

    const int64_t D = h.dim, H = h.hiddenDim, V = h.vocabSize;
    const int64_t headSize = D / h.numHeads, kvDim = headSize * h.numKvHeads;
    std::vector<NamedTensor> tensors;
    auto add = [&](const QString &name, std::vector<int64_t> shape, std::vector<float> values) {
        tensors.emplace_back(name, std::make_pair(std::move(shape), std::move(values)));
    };
    add(QStringLiteral("model.embed_tokens.weight"), {V, D}, read.matrix(layout.embedding, 0, V, D));
    for (int64_t l = 0; l < h.numLayers; ++l) {
        const QString prefix = QStringLiteral("model.layers.%1.").arg(l);
        add(prefix + QStringLiteral("input_layernorm.weight"), {D}, read.matrix(layout.rmsAtt, l, 1, D));
        add(prefix + QStringLiteral("self_attn.q_proj.weight"), {D, D},
            permuteForRotateHalf(read.matrix(layout.wq, l, D, D), h.numHeads, headSize, D));
        add(prefix + QStringLiteral("self_attn.k_proj.weight"), {kvDim, D},
            permuteForRotateHalf(read.matrix(layout.wk, l, kvDim, D), h.numKvHeads, headSize, D));
        add(prefix + QStringLiteral("self_attn.v_proj.weight"), {kvDim, D}, read.matrix(layout.wv, l, kvDim, D));
        add(prefix + QStringLiteral("self_attn.o_proj.weight"), {D, D}, read.matrix(layout.wo, l, D, D));
        add(prefix + QStringLiteral("post_attention_layernorm.weight"), {D}, read.matrix(layout.rmsFfn, l, 1, D));
        add(prefix + QStringLiteral("mlp.gate_proj.weight"), {H, D}, read.matrix(layout.w1, l, H, D));
        add(prefix + QStringLiteral("mlp.down_proj.weight"), {D, H}, read.matrix(layout.w2, l, D, H));
        add(prefix + QStringLiteral("mlp.up_proj.weight"), {H, D}, read.matrix(layout.w3, l, H, D));
    }
    add(QStringLiteral("model.norm.weight"), {D}, read.matrix(layout.rmsFinal, 0, 1, D));
    if (!h.sharedClassifier)
        add(QStringLiteral("lm_head.weight"), {V, D}, read.matrix(layout.classifier, 0, V, D));

    Llama2cImport result;
    result.config = configFor(h, path);
    result.tensors = TensorStore::fromFloatTensors(path, std::move(tensors));
    return result;
}

} // namespace qkov
