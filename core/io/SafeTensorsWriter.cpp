#include "TensorStore.h"

#include "../Error.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace qkov {

namespace {

// The header JSON padded with spaces to a multiple of 8 bytes, as the
// reference implementation does, so the data area starts 8-aligned.
QByteArray headerBytes(const QJsonObject &header)
{
    QByteArray json = QJsonDocument(header).toJson(QJsonDocument::Compact);
    const qsizetype padded = (json.size() + 7) / 8 * 8;
    json.append(padded - json.size(), ' ');
    return json;
}

QByteArray lengthPrefix(uint64_t length)
{
    QByteArray bytes(8, '\0');
    for (int i = 0; i < 8; ++i)
        bytes[i] = char((length >> (8 * i)) & 0xffu);
    return bytes;
}

} // namespace

void SafeTensorsWriter::setMetadata(const QString &key, const QString &value)
{
    m_metadata.insert(key, value);
}

void SafeTensorsWriter::add(const QString &name, DType dtype, const std::vector<int64_t> &shape, const void *bytes)
{
    if (name == QLatin1String("__metadata__"))
        throw Error(name, QStringLiteral("is reserved for metadata and cannot name a tensor"));
    int64_t numel = 1;
    for (int64_t d : shape) {
        if (d < 0)
            throw Error(name, QStringLiteral("a tensor shape cannot have a negative dimension"));
        numel *= d;
    }
    Item item{name, dtype, shape, QByteArray(reinterpret_cast<const char *>(bytes), qsizetype(numel * dtypeSize(dtype)))};
    const auto existing = std::find_if(m_items.begin(), m_items.end(), [&](const Item &i) { return i.name == name; });
    if (existing != m_items.end())
        *existing = std::move(item); // the last value given for a name wins
    else
        m_items.push_back(std::move(item));
}

void SafeTensorsWriter::addFloat(const QString &name, const std::vector<int64_t> &shape, const std::vector<float> &values)
{
    int64_t numel = 1;
    for (int64_t d : shape)
        numel *= d;
    if (numel != int64_t(values.size()))
        throw Error(name, QStringLiteral("%1 values given for a shape of %2 elements").arg(values.size()).arg(numel));
    add(name, DType::F32, shape, values.data());
}

namespace {

template <typename Item>
std::pair<QByteArray, std::vector<const Item *>> layout(const std::vector<Item> &items, const QJsonObject &metadata)
{
    std::vector<const Item *> sorted;
    for (const Item &i : items)
        sorted.push_back(&i);
    std::sort(sorted.begin(), sorted.end(), [](const Item *a, const Item *b) { return a->name < b->name; });

    QJsonObject header; // QJsonObject keeps its keys sorted
    if (!metadata.isEmpty())
        header.insert(QStringLiteral("__metadata__"), metadata);
    qint64 offset = 0;
    for (const Item *i : sorted) {
        QJsonArray shape;
        for (int64_t d : i->shape)
            shape.append(qint64(d));
        const qint64 end = offset + i->bytes.size();
        header.insert(i->name, QJsonObject{{QStringLiteral("dtype"), dtypeName(i->dtype)},
                                           {QStringLiteral("shape"), shape},
                                           {QStringLiteral("data_offsets"), QJsonArray{offset, end}}});
        offset = end;
    }
    return {headerBytes(header), sorted};
}

} // namespace

QByteArray SafeTensorsWriter::toBytes() const
{
    const auto [header, sorted] = layout(m_items, m_metadata);
    QByteArray out = lengthPrefix(uint64_t(header.size())) + header;
    for (const Item *i : sorted)
        out += i->bytes;
    return out;
}

void SafeTensorsWriter::write(const QString &path) const
{
    const auto [header, sorted] = layout(m_items, m_metadata);
    // QSaveFile writes a temporary file and renames it on commit, so a failed
    // write (disk full, no permission) leaves any previous file untouched.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        throw Error(path, QStringLiteral("cannot be written (%1)").arg(file.errorString()));
    errno = 0;
    bool ok = file.write(lengthPrefix(uint64_t(header.size()))) == 8 && file.write(header) == header.size();
    for (const Item *i : sorted)
        ok = ok && file.write(i->bytes) == i->bytes.size();
    // Flush explicitly: Qt 6.4's commit() ignores a failed final flush of
    // buffered data and would rename a truncated file over the old one.
    ok = ok && file.flush();
    if (!ok) {
        // Qt reports a write that stopped part-way (a full disk, a file size
        // limit) as "Unknown error"; the failed write(2) left the reason in errno.
        const int writeError = errno;
        const QString reason = writeError != 0 ? QString::fromLocal8Bit(std::strerror(writeError)) : file.errorString();
        file.cancelWriting();
        throw Error(path, QStringLiteral("could not be written (%1); any previous file is unchanged").arg(reason));
    }
    if (!file.commit())
        throw Error(path, QStringLiteral("could not be written (%1); any previous file is unchanged").arg(file.errorString()));
}

} // namespace qkov
