#pragma once
// A minimal safetensors reader and writer of the tests' own, independent of
// core/io: 8-byte little-endian header length, the JSON header, raw data.
// Used to check the session layout as any other reader sees it, and to
// build damaged files.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QtEndian>

#include <vector>

namespace qkov::test {

struct RawTensor
{
    QString dtype;
    std::vector<int64_t> shape;
    QByteArray bytes;
};
struct RawFile
{
    QJsonObject metadata;
    QMap<QString, RawTensor> tensors;
};

inline RawFile parseIndependently(const QByteArray &file)
{
    RawFile raw;
    if (file.size() < 8)
        qFatal("file shorter than 8 bytes");
    const quint64 length = qFromLittleEndian<quint64>(file.constData());
    if (length > quint64(file.size() - 8))
        qFatal("header longer than the file");
    const QJsonObject header = QJsonDocument::fromJson(file.mid(8, qsizetype(length))).object();
    const QByteArray data = file.mid(8 + qsizetype(length));
    for (auto it = header.begin(); it != header.end(); ++it) {
        const QJsonObject o = it.value().toObject();
        if (it.key() == QLatin1String("__metadata__")) {
            raw.metadata = o;
            continue;
        }
        RawTensor t;
        t.dtype = o.value(QStringLiteral("dtype")).toString();
        for (const QJsonValue d : o.value(QStringLiteral("shape")).toArray())
            t.shape.push_back(d.toInteger());
        const QJsonArray offsets = o.value(QStringLiteral("data_offsets")).toArray();
        const qint64 begin = offsets.at(0).toInteger(), end = offsets.at(1).toInteger();
        if (begin < 0 || end < begin || end > data.size())
            qFatal("tensor data outside the file");
        t.bytes = data.mid(begin, end - begin);
        raw.tensors.insert(it.key(), t);
    }
    return raw;
}

inline QByteArray serializeIndependently(const RawFile &raw)
{
    QJsonObject header;
    header.insert(QStringLiteral("__metadata__"), raw.metadata);
    QByteArray data;
    for (auto it = raw.tensors.cbegin(); it != raw.tensors.cend(); ++it) {
        QJsonArray shape;
        for (int64_t d : it.value().shape)
            shape.append(qint64(d));
        header.insert(it.key(), QJsonObject{{QStringLiteral("dtype"), it.value().dtype},
                                            {QStringLiteral("shape"), shape},
                                            {QStringLiteral("data_offsets"), QJsonArray{qint64(data.size()), qint64(data.size() + it.value().bytes.size())}}});
        data += it.value().bytes;
    }
    const QByteArray json = QJsonDocument(header).toJson(QJsonDocument::Compact);
    QByteArray prefix(8, '\0');
    qToLittleEndian<quint64>(quint64(json.size()), prefix.data());
    return prefix + json + data;
}

} // namespace qkov::test
