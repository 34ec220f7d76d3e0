#include "RecordReader.h"

#include "Error.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringDecoder>
#include <QStringList>

namespace qkov {

DatasetFormat datasetFormatFor(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("jsonl") || suffix == QLatin1String("ndjson"))
        return DatasetFormat::Jsonl;
    if (suffix == QLatin1String("csv"))
        return DatasetFormat::Csv;
    return DatasetFormat::Text;
}

QString datasetFormatName(DatasetFormat format)
{
    switch (format) {
    case DatasetFormat::Jsonl: return QStringLiteral("jsonl");
    case DatasetFormat::Csv: return QStringLiteral("csv");
    case DatasetFormat::Text: return QStringLiteral("text");
    case DatasetFormat::Auto: break;
    }
    return QStringLiteral("auto");
}

namespace {

// Physical lines of a text file, decoded and checked one at a time.
class LineReader
{
    static constexpr qint64 kLineChunkBytes = 64 * 1024;

public:
    explicit LineReader(const QString &path) : m_path(path), m_file(path)
    {
        const QFileInfo info(path);
        if (!info.exists())
            throw Error(path, QStringLiteral("the file does not exist."));
        if (info.isDir())
            throw Error(path, QStringLiteral("is a folder, not a task file."));
        if (!m_file.open(QIODevice::ReadOnly))
            throw Error(path, QStringLiteral("the file cannot be read (%1).").arg(m_file.errorString()));
    }

    // The next line without its terminator; false at the end of the file.
    bool next(QString &line)
    {
        if (m_file.atEnd())
            return false;
        const qint64 start = m_offset;
        // In chunks: QIODevice::readLine(maxSize) allocates its whole maximum
        // (16 MiB here) for every line, which made reading crawl. One buffer
        // for the whole file: a fresh one per line was a 128 KiB allocation
        // (a chunk rounded up), an mmap and munmap per line under ASan.
        QByteArray &bytes = m_bytes;
        bytes.resize(0); // keeps the capacity
        for (;;) {
            const qint64 room = qMin<qint64>(kLineChunkBytes, kMaxRecordBytes + 2 - bytes.size());
            if (room <= 0)
                break;
            const qsizetype old = bytes.size();
            bytes.resize(old + qsizetype(room) + 1); // + readLine's terminating NUL
            const qint64 read = m_file.readLine(bytes.data() + old, room + 1);
            bytes.resize(old + qsizetype(qMax<qint64>(read, 0)));
            if (read < 0 && m_file.error() != QFileDevice::NoError)
                throw Error(m_path, QStringLiteral("reading failed at byte %1 (%2).").arg(start).arg(m_file.errorString()));
            if (read < room || bytes.endsWith('\n'))
                break;
        }
        ++m_line;
        m_offset += bytes.size();
        if (bytes.size() > kMaxRecordBytes && !bytes.endsWith('\n'))
            throw Error(m_path, QStringLiteral("line %1 is longer than %2 MiB; a task record must be a line of text.")
                                    .arg(m_line).arg(kMaxRecordBytes >> 20));
        const int nul = bytes.indexOf('\0');
        if (nul >= 0)
            throw Error(m_path, QStringLiteral("is a binary file, not text (NUL byte on line %1, byte offset %2).")
                                    .arg(m_line).arg(start + nul));
        int skip = 0;
        if (m_line == 1 && bytes.startsWith("\xEF\xBB\xBF"))
            skip = 3; // UTF-8 byte order mark
        const QByteArrayView view(bytes.constData() + skip, bytes.size() - skip);
        // Stateless: a sequence cut off at the end of the line is an error too.
        QStringDecoder decoder(QStringDecoder::Utf8, QStringConverter::Flag::Stateless);
        line = decoder.decode(view);
        if (decoder.hasError())
            throw Error(m_path, QStringLiteral("is not valid UTF-8 text (line %1, byte offset %2); save it as UTF-8.")
                                    .arg(m_line).arg(start + skip + firstInvalidByte(view, line)));
        if (line.endsWith(QLatin1Char('\n')))
            line.chop(1);
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        return true;
    }

    qint64 lineNumber() const { return m_line; }
    const QString &path() const { return m_path; }

private:
    // Only on the error path: the decoder put U+FFFD where the bytes were
    // invalid; the UTF-8 length of the text before it is the byte offset
    // (skipping replacement characters that were genuinely in the file).
    static qint64 firstInvalidByte(QByteArrayView bytes, const QString &decoded)
    {
        static const QByteArray genuine("\xEF\xBF\xBD");
        for (qsizetype i = decoded.indexOf(QChar::ReplacementCharacter); i >= 0;
             i = decoded.indexOf(QChar::ReplacementCharacter, i + 1)) {
            const qint64 offset = decoded.left(i).toUtf8().size();
            if (offset + 3 > bytes.size() || bytes.sliced(offset, 3) != QByteArrayView(genuine))
                return offset;
        }
        return bytes.size();
    }

    QString m_path;
    QFile m_file;
    QByteArray m_bytes; // the current line's bytes
    qint64 m_line = 0;
    qint64 m_offset = 0;
};

void readText(LineReader &reader, const std::function<bool(const TaskRecord &)> &sink)
{
    QString line;
    qint64 index = 0;
    while (reader.next(line)) {
        TaskRecord r;
        r.index = index++;
        r.line = reader.lineNumber();
        r.text = line;
        if (!sink(r))
            return;
    }
}

QString jsonIdText(const QJsonValue &id)
{
    if (id.isString())
        return id.toString();
    if (id.isDouble()) {
        const double v = id.toDouble();
        const qint64 whole = id.toInteger(-1);
        return double(whole) == v ? QString::number(whole) : QString::number(v, 'g', 17);
    }
    return QString();
}

void readJsonl(LineReader &reader, const std::function<bool(const TaskRecord &)> &sink)
{
    QString line;
    qint64 index = 0;
    while (reader.next(line)) {
        TaskRecord r;
        r.index = index++;
        r.line = reader.lineNumber();
        if (!line.trimmed().isEmpty()) {
            QJsonParseError error;
            const QJsonDocument doc = QJsonDocument::fromJson(line.toUtf8(), &error);
            if (error.error != QJsonParseError::NoError || !doc.isObject())
                throw Error(reader.path(), QStringLiteral("line %1 is not a JSON object%2.")
                                               .arg(r.line)
                                               .arg(error.error != QJsonParseError::NoError
                                                        ? QStringLiteral(" (%1 at character %2)").arg(error.errorString()).arg(error.offset)
                                                        : QString()));
            const QJsonObject object = doc.object();
            const QJsonValue text = object.value(QLatin1String("text"));
            if (!text.isString())
                throw Error(reader.path(), QStringLiteral("line %1 has no string field \"text\".").arg(r.line));
            r.text = text.toString();
            const QJsonValue id = object.value(QLatin1String("id"));
            if (!id.isUndefined() && !id.isNull()) {
                r.id = jsonIdText(id);
                if (r.id.isEmpty() && !id.isString())
                    throw Error(reader.path(), QStringLiteral("line %1: the field \"id\" must be a string or a number.").arg(r.line));
            }
        }
        if (!sink(r))
            return;
    }
}

// One CSV record (RFC 4180): fields separated by commas, quoted fields may
// hold commas, doubled quotes and line breaks. Returns false at the end of
// the file; `startLine` is the line the record starts on.
bool nextCsvRecord(LineReader &reader, QStringList &fields, qint64 &startLine)
{
    QString line;
    if (!reader.next(line))
        return false;
    startLine = reader.lineNumber();
    fields.clear();
    QString field;
    bool quoted = false;     // inside a quoted field
    bool wasQuoted = false;  // the current field started with a quote
    for (;;) {
        for (int i = 0; i < line.size(); ++i) {
            const QChar c = line.at(i);
            if (quoted) {
                if (c == QLatin1Char('"')) {
                    if (i + 1 < line.size() && line.at(i + 1) == QLatin1Char('"')) {
                        field += QLatin1Char('"');
                        ++i;
                    } else {
                        quoted = false;
                    }
                } else {
                    field += c;
                }
            } else if (c == QLatin1Char(',')) {
                fields << field;
                field.clear();
                wasQuoted = false;
            } else if (c == QLatin1Char('"') && field.isEmpty() && !wasQuoted) {
                quoted = wasQuoted = true;
            } else if (c == QLatin1Char('"')) {
                throw Error(reader.path(), QStringLiteral("line %1: a quote inside an unquoted CSV field (quote the field and double the quote).")
                                               .arg(reader.lineNumber()));
            } else if (wasQuoted) {
                throw Error(reader.path(), QStringLiteral("line %1: text after the closing quote of a CSV field.")
                                               .arg(reader.lineNumber()));
            } else {
                field += c;
            }
        }
        if (!quoted)
            break;
        if (field.size() > kMaxRecordBytes)
            throw Error(reader.path(), QStringLiteral("the CSV record starting on line %1 is longer than %2 MiB.")
                                           .arg(startLine).arg(kMaxRecordBytes >> 20));
        if (!reader.next(line))
            throw Error(reader.path(), QStringLiteral("the quoted CSV field starting on line %1 is never closed.").arg(startLine));
        field += QLatin1Char('\n');
    }
    fields << field;
    return true;
}

void readCsv(LineReader &reader, const std::function<bool(const TaskRecord &)> &sink)
{
    QStringList header;
    qint64 line = 0;
    if (!nextCsvRecord(reader, header, line))
        throw Error(reader.path(), QStringLiteral("the CSV file is empty (it needs a header row with a \"text\" column)."));
    int textColumn = -1, idColumn = -1;
    for (int i = 0; i < header.size(); ++i) {
        const QString name = header.at(i).trimmed().toLower();
        if (name == QLatin1String("text") && textColumn < 0)
            textColumn = i;
        else if (name == QLatin1String("id") && idColumn < 0)
            idColumn = i;
    }
    if (textColumn < 0)
        throw Error(reader.path(), QStringLiteral("the CSV header (line %1) has no \"text\" column.").arg(line));
    QStringList fields;
    qint64 index = 0;
    while (nextCsvRecord(reader, fields, line)) {
        TaskRecord r;
        r.index = index++;
        r.line = line;
        const bool blank = fields.size() == 1 && fields.front().isEmpty();
        if (!blank) {
            if (fields.size() != header.size())
                throw Error(reader.path(), QStringLiteral("line %1 has %2 CSV fields; the header has %3.")
                                               .arg(line).arg(fields.size()).arg(header.size()));
            r.text = fields.at(textColumn);
            if (idColumn >= 0)
                r.id = fields.at(idColumn).trimmed();
        }
        if (!sink(r))
            return;
    }
}

} // namespace

void readTaskRecords(const QString &path, DatasetFormat format,
                     const std::function<bool(const TaskRecord &)> &sink)
{
    LineReader reader(path);
    switch (format == DatasetFormat::Auto ? datasetFormatFor(path) : format) {
    case DatasetFormat::Jsonl: readJsonl(reader, sink); break;
    case DatasetFormat::Csv: readCsv(reader, sink); break;
    default: readText(reader, sink); break;
    }
}

} // namespace qkov
