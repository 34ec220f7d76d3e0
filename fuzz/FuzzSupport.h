#pragma once
// Shared by the fuzz targets. Parsers that take a path get the input as a
// file in a private folder (on tmpfs when there is one, so an execution costs
// no disk I/O). A qkov::Error is the expected answer to bad input, but it
// must name the file it is about: anything else (another exception, a crash,
// a sanitizer report, an error that names nothing) is a finding.
#include "Error.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QString>
#include <QTemporaryDir>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace qkov::fuzz {

inline const QTemporaryDir &scratchDir()
{
    static const QTemporaryDir dir(QDir(QStringLiteral("/dev/shm")).exists()
                                       ? QStringLiteral("/dev/shm/qkov-fuzz-XXXXXX")
                                       : QDir::tempPath() + QStringLiteral("/qkov-fuzz-XXXXXX"));
    if (!dir.isValid()) {
        std::fprintf(stderr, "fuzz: cannot create a scratch folder\n");
        std::abort();
    }
    return dir;
}

inline QString scratchPath(const QString &name)
{
    return scratchDir().filePath(name);
}

inline void writeFile(const QString &path, const char *data, qint64 size)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(data, size) != size) {
        std::fprintf(stderr, "fuzz: cannot write %s\n", qPrintable(path));
        std::abort();
    }
}

// The input written to `name` in the scratch folder; returns its path.
inline QString inputFile(const QString &name, const uint8_t *data, size_t size)
{
    const QString path = scratchPath(name);
    writeFile(path, reinterpret_cast<const char *>(data), qint64(size));
    return path;
}

// The input as bytes without a copy: reads past its end are out of bounds
// of libFuzzer's exactly-sized buffer, so AddressSanitizer sees them.
inline QByteArray inputBytes(const uint8_t *data, size_t size)
{
    return QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
}

// Calls `parse`; a qkov::Error must name `where` (the file at fault) and
// say what is wrong.
template <typename Parse>
void expectCleanFailure(const QString &where, Parse &&parse)
{
    try {
        parse();
    } catch (const qkov::Error &e) {
        if (!e.where().startsWith(where) || e.problem().trimmed().isEmpty()) {
            std::fprintf(stderr, "fuzz: an error that does not name %s: %s\n", qPrintable(where), qPrintable(e.message()));
            std::abort();
        }
    }
}

} // namespace qkov::fuzz
