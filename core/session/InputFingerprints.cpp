#include "InputFingerprints.h"

#include "AnalysisResult.h"
#include "Error.h"
#include "io/TensorStore.h"
#include "Translate.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>

namespace qkov {

namespace {

constexpr qint64 kChunkBytes = 1 << 20;
constexpr quint64 kMaxHeaderBytes = 100ull << 20; // as SafeTensorsLimits

QFile &openForReading(QFile &file)
{
    if (!file.open(QIODevice::ReadOnly))
        throw Error(file.fileName(), tr("cannot be read (%1)").arg(file.errorString()));
    return file;
}

QByteArray readExactly(QFile &file, qint64 count)
{
    const QByteArray bytes = file.read(count);
    if (bytes.size() != count)
        throw Error(file.fileName(), tr("could not be read to the end (%1)").arg(file.errorString()));
    return bytes;
}

QByteArray littleEndian64(quint64 value)
{
    QByteArray bytes(8, '\0');
    for (int i = 0; i < 8; ++i)
        bytes[i] = char((value >> (8 * i)) & 0xffu);
    return bytes;
}

} // namespace

QString sha256OfFile(const QString &path)
{
    QFile file(path);
    openForReading(file);
    QCryptographicHash hash(QCryptographicHash::Sha256);
    // addData(QIODevice*) streams in chunks; it fails only on a read error.
    if (!hash.addData(&file) || file.error() != QFileDevice::NoError)
        throw Error(path, tr("could not be read to the end (%1)").arg(file.errorString()));
    return QString::fromLatin1(hash.result().toHex());
}

QString modelHeaderSha256(const QStringList &safetensorsFiles)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const QString &path : safetensorsFiles) {
        QFile file(path);
        openForReading(file);
        const QByteArray prefix = readExactly(file, 8);
        quint64 length = 0;
        for (int i = 7; i >= 0; --i)
            length = (length << 8) | uchar(prefix[i]);
        const quint64 size = quint64(file.size());
        if (length > kMaxHeaderBytes || length > size - 8)
            throw Error(path, tr("is not a safetensors file (it claims a %1-byte header in a %2-byte file)").arg(length).arg(size));
        hash.addData(prefix);
        hash.addData(readExactly(file, qint64(length)));
    }
    return QString::fromLatin1(hash.result().toHex());
}

QString modelFingerprint(const QString &modelPath)
{
    const QFileInfo info(modelPath);
    if (!info.exists())
        throw Error(modelPath, tr("does not exist"));
    if (info.isDir())
        return modelHeaderSha256(TensorStore::openFolder(modelPath)->files());
    if (info.suffix().compare(QLatin1String("safetensors"), Qt::CaseInsensitive) == 0)
        return modelHeaderSha256({modelPath});
    QFile file(modelPath);
    openForReading(file);
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(littleEndian64(quint64(file.size())));
    hash.addData(readExactly(file, qMin<qint64>(file.size(), kChunkBytes)));
    return QString::fromLatin1(hash.result().toHex());
}

QStringList changedInputs(const AnalysisResult &result)
{
    QStringList changes;
    if (!result.modelPath.isEmpty() && !result.modelSha256.isEmpty()) {
        try {
            if (modelFingerprint(result.modelPath) != result.modelSha256)
                changes << tr("The model %1 has changed since the analysis (its tensor headers differ).").arg(result.modelPath);
        } catch (const Error &e) {
            changes << tr("The model of this session cannot be checked: %1.").arg(e.message());
        }
    }
    for (const TaskSummary *task : {&result.taskA, &result.taskB}) {
        if (task->path.isEmpty() || task->sha256.isEmpty())
            continue;
        try {
            if (sha256OfFile(task->path) != task->sha256)
                changes << tr("The dataset %1 of %2 has changed since the analysis.").arg(task->path, task->name);
        } catch (const Error &e) {
            changes << tr("The dataset of %1 cannot be checked: %2.").arg(task->name, e.message());
        }
    }
    return changes;
}

} // namespace qkov
