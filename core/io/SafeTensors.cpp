#include "SafeTensors.h"

#include "../Error.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>
#include <QStringDecoder>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <optional>

namespace qkov {

namespace {

// "1 TB", "100 MB", or a plain byte count when it is not a round unit.
QString formatLimit(uint64_t bytes)
{
    static const struct { uint64_t size; const char *unit; } units[] = {
        {1ull << 40, "TB"}, {1ull << 30, "GB"}, {1ull << 20, "MB"}, {1ull << 10, "KB"}};
    for (const auto &u : units)
        if (bytes >= u.size && bytes % u.size == 0)
            return QString::number(bytes / u.size) + QLatin1Char(' ') + QLatin1String(u.unit);
    return QString::number(bytes) + QStringLiteral(" bytes");
}

QString jsonTypeName(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return QStringLiteral("a boolean");
    case QJsonValue::Double: return QStringLiteral("a number");
    case QJsonValue::String: return QStringLiteral("a string");
    case QJsonValue::Array: return QStringLiteral("an array");
    case QJsonValue::Object: return QStringLiteral("an object");
    case QJsonValue::Undefined: return QStringLiteral("missing");
    }
    return QStringLiteral("unknown");
}

// JSON numbers arrive as doubles (Qt keeps exact integers when they fit in
// 64 bits); dimensions and offsets must be exact integers.
std::optional<int64_t> exactInteger(const QJsonValue &v)
{
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    if (!std::isfinite(d) || std::floor(d) != d || std::fabs(d) >= 9.2e18)
        return std::nullopt;
    return v.toInteger(static_cast<qint64>(d));
}

QString shapeText(const QJsonArray &shape)
{
    QStringList parts;
    for (const QJsonValue &d : shape)
        parts << (d.isDouble() ? QString::number(d.toInteger(qint64(d.toDouble()))) : jsonTypeName(d));
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}


TensorInfo parseEntry(const QString &name, const QJsonValue &value, uint64_t dataSize,
                      const QString &path, const SafeTensorsLimits &limits)
{
    const QString tensor = QStringLiteral("tensor ") + quoted(name);
    if (!value.isObject())
        throw Error(path, tensor + QStringLiteral(" is ") + jsonTypeName(value) + QStringLiteral(", not an object with dtype, shape and data_offsets"));
    const QJsonObject entry = value.toObject();

    TensorInfo info;
    info.name = name;
    const QJsonValue dtypeValue = entry.value(QLatin1String("dtype"));
    if (!dtypeValue.isString())
        throw Error(path, tensor + QStringLiteral(": dtype must be a string, but it is ") + jsonTypeName(dtypeValue));
    const std::optional<DType> dtype = parseDType(dtypeValue.toString());
    if (!dtype)
        throw Error(path, tensor + QStringLiteral(" has unknown dtype ") + quoted(dtypeValue.toString())
                              + QStringLiteral(" (known: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)"));
    info.dtype = *dtype;

    const QJsonValue shapeValue = entry.value(QLatin1String("shape"));
    if (!shapeValue.isArray())
        throw Error(path, tensor + QStringLiteral(": shape must be an array of integers, but it is ") + jsonTypeName(shapeValue));
    const QJsonArray shape = shapeValue.toArray();
    if (shape.size() > limits.maxRank)
        throw Error(path, tensor + QStringLiteral(" has rank %1, more than the limit of %2").arg(shape.size()).arg(limits.maxRank));
    bool anyZero = false;
    for (const QJsonValue &d : shape) {
        const std::optional<int64_t> dim = exactInteger(d);
        if (!dim)
            throw Error(path, tensor + QStringLiteral(" has a shape entry that is not an integer (") +
                                  (d.isDouble() ? QString::number(d.toDouble()) : jsonTypeName(d)) + QLatin1Char(')'));
        if (*dim < 0)
            throw Error(path, tensor + QStringLiteral(" has a negative dimension (%1) in its shape %2").arg(*dim).arg(shapeText(shape)));
        anyZero = anyZero || *dim == 0;
        info.shape.push_back(*dim);
    }

    // The claimed size, multiplied with overflow checks so that absurd shapes
    // are refused by arithmetic alone, long before anything is allocated.
    uint64_t needed = 0;
    if (!anyZero) {
        needed = uint64_t(dtypeSize(info.dtype));
        bool overflow = false;
        for (int64_t dim : info.shape)
            overflow = overflow || __builtin_mul_overflow(needed, uint64_t(dim), &needed);
        const QString what = QStringLiteral(" (shape ") + shapeText(shape) + QLatin1Char(' ') + dtypeName(info.dtype) + QLatin1Char(')');
        if (overflow)
            throw Error(path, tensor + QStringLiteral(" claims more than 2^64 bytes") + what + QStringLiteral(", more than the ") + formatLimit(limits.maxTensorBytes) + QStringLiteral(" limit"));
        if (needed > limits.maxTensorBytes)
            throw Error(path, tensor + QStringLiteral(" claims %1 bytes").arg(needed) + what + QStringLiteral(", more than the ") + formatLimit(limits.maxTensorBytes) + QStringLiteral(" limit"));
    }

    const QJsonValue offsetsValue = entry.value(QLatin1String("data_offsets"));
    const QJsonArray offsets = offsetsValue.toArray();
    int64_t begin = -1, end = -1; // -1: missing, not an integer, or negative
    if (offsets.size() == 2) {
        begin = exactInteger(offsets[0]).value_or(-1);
        end = exactInteger(offsets[1]).value_or(-1);
    }
    if (!offsetsValue.isArray() || begin < 0 || end < 0)
        throw Error(path, tensor + QStringLiteral(": data_offsets must be an array of two non-negative integers [begin, end], but it is ") +
                              (offsetsValue.isArray() ? QString::fromUtf8(QJsonDocument(offsets).toJson(QJsonDocument::Compact).left(80))
                                                      : jsonTypeName(offsetsValue)));
    info.begin = uint64_t(begin);
    info.end = uint64_t(end);
    const QString offsetsText = QStringLiteral("data_offsets [%1, %2]").arg(info.begin).arg(info.end);
    if (info.begin > info.end)
        throw Error(path, tensor + QStringLiteral(" has ") + offsetsText + QStringLiteral(": begin is after end"));
    if (info.end > dataSize)
        throw Error(path, tensor + QStringLiteral(" has ") + offsetsText + QStringLiteral(" that run past the end of the data (%1 bytes): the file is truncated or corrupt").arg(dataSize));
    if (info.byteSize() != needed)
        throw Error(path, tensor + QStringLiteral(" has %1 bytes (").arg(info.byteSize()) + offsetsText +
                              QStringLiteral(") but shape ") + shapeText(shape) + QLatin1Char(' ') + dtypeName(info.dtype) +
                              QStringLiteral(" needs %1 bytes").arg(needed));
    return info;
}

} // namespace

int64_t TensorInfo::numel() const
{
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

SafeTensorsFile::Header SafeTensorsFile::parseHeader(const QByteArray &json, uint64_t dataSize,
                                                     const QString &path, const SafeTensorsLimits &limits)
{
    // QJsonDocument would silently replace broken sequences, so check UTF-8 first.
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString decoded = utf8.decode(json); // decoding happens on conversion
    Q_UNUSED(decoded);
    if (utf8.hasError())
        throw Error(path, QStringLiteral("the header is not valid UTF-8"));

    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        throw Error(path, QStringLiteral("the header is not valid JSON (%1 at byte %2)")
                              .arg(parseError.errorString()).arg(parseError.offset));
    if (!doc.isObject())
        throw Error(path, QStringLiteral("the header must be a JSON object, but it is ") +
                              (doc.isArray() ? QStringLiteral("an array") : QStringLiteral("not an object")));
    const QJsonObject root = doc.object();
    if (root.size() > limits.maxTensors)
        throw Error(path, QStringLiteral("the header lists %1 entries, more than the limit of %2").arg(root.size()).arg(limits.maxTensors));

    Header header;
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (it.key() == QLatin1String("__metadata__")) {
            if (!it.value().isObject())
                throw Error(path, QStringLiteral("__metadata__ must be an object of strings, but it is ") + jsonTypeName(it.value()));
            header.metadata = it.value().toObject();
            for (auto m = header.metadata.begin(); m != header.metadata.end(); ++m)
                if (!m.value().isString())
                    throw Error(path, QStringLiteral("__metadata__ must map names to strings, but ") + quoted(m.key()) +
                                          QStringLiteral(" is ") + jsonTypeName(m.value()));
            continue;
        }
        header.tensors.push_back(parseEntry(it.key(), it.value(), dataSize, path, limits));
    }

    // Overlap check on the ranges sorted by start; empty tensors occupy nothing.
    std::vector<const TensorInfo *> byBegin;
    for (const TensorInfo &t : header.tensors)
        if (t.byteSize() > 0)
            byBegin.push_back(&t);
    std::sort(byBegin.begin(), byBegin.end(), [](const TensorInfo *a, const TensorInfo *b) {
        return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
    });
    const TensorInfo *furthest = nullptr; // the range reaching furthest so far
    for (const TensorInfo *t : byBegin) {
        if (furthest && t->begin < furthest->end)
            throw Error(path, QStringLiteral("tensors %1 and %2 overlap (data_offsets [%3, %4] and [%5, %6])")
                                  .arg(quoted(furthest->name), quoted(t->name))
                                  .arg(furthest->begin).arg(furthest->end).arg(t->begin).arg(t->end));
        if (!furthest || t->end > furthest->end)
            furthest = t;
    }

    std::sort(header.tensors.begin(), header.tensors.end(),
              [](const TensorInfo &a, const TensorInfo &b) { return a.name < b.name; });
    return header;
}

std::shared_ptr<SafeTensorsFile> SafeTensorsFile::open(const QString &path, const SafeTensorsLimits &limits)
{
    const QFileInfo fileInfo(path);
    if (!fileInfo.exists())
        throw Error(path, QStringLiteral("no such file"));
    if (fileInfo.isDir())
        throw Error(path, QStringLiteral("is a folder, not a .safetensors file"));

    std::shared_ptr<SafeTensorsFile> file(new SafeTensorsFile);
    file->m_path = path;
    file->m_file = std::make_unique<QFile>(path);
    if (!file->m_file->open(QIODevice::ReadOnly))
        throw Error(path, QStringLiteral("cannot be opened (%1)").arg(file->m_file->errorString()));
    file->m_fileSize = uint64_t(file->m_file->size());
    const uint64_t size = file->m_fileSize;
    if (size < 8)
        throw Error(path, QStringLiteral("the file is %1 bytes, too short for a safetensors file (at least 8 bytes)").arg(size));

    uchar lengthBytes[8];
    if (file->m_file->read(reinterpret_cast<char *>(lengthBytes), 8) != 8)
        throw Error(path, QStringLiteral("cannot read the header length (%1)").arg(file->m_file->errorString()));
    uint64_t headerLength = 0;
    for (int i = 7; i >= 0; --i) // little-endian
        headerLength = (headerLength << 8) | lengthBytes[i];
    if (headerLength > size - 8)
        throw Error(path, QStringLiteral("header length %1 runs past the end of the file (%2 bytes): not a safetensors file, or truncated")
                              .arg(headerLength).arg(size));
    if (headerLength > limits.maxHeaderBytes)
        throw Error(path, QStringLiteral("header length %1 is over the %2 limit").arg(headerLength).arg(formatLimit(limits.maxHeaderBytes)));

    // Mapping reserves address space only; pages are read when touched.
    const uchar *mapped = file->m_file->map(0, qint64(size));
    if (!mapped)
        throw Error(path, QStringLiteral("cannot be memory-mapped (%1)").arg(file->m_file->errorString()));
    const QByteArray json = QByteArray::fromRawData(reinterpret_cast<const char *>(mapped) + 8, qsizetype(headerLength));
    file->m_header = parseHeader(json, size - 8 - headerLength, path, limits);
    file->m_data = mapped + 8 + headerLength;
    return file;
}

SafeTensorsFile::~SafeTensorsFile() = default; // QFile unmaps on close

const TensorInfo *SafeTensorsFile::find(const QString &name) const
{
    const auto &tensors = m_header.tensors;
    const auto it = std::lower_bound(tensors.begin(), tensors.end(), name,
                                     [](const TensorInfo &t, const QString &n) { return t.name < n; });
    return it != tensors.end() && it->name == name ? &*it : nullptr;
}

} // namespace qkov
