// Task dataset files (core/data readTaskRecords): plain text, JSONL and CSV
// (quoted fields over several lines, BOMs, CRLF), with UTF-8 and NUL checks.
// The first input byte picks the format; the rest is the file.
#include "FuzzSupport.h"
#include "data/RecordReader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const std::pair<qkov::DatasetFormat, QString> kFormats[] = {
        {qkov::DatasetFormat::Text, QStringLiteral("task.txt")},
        {qkov::DatasetFormat::Jsonl, QStringLiteral("task.jsonl")},
        {qkov::DatasetFormat::Csv, QStringLiteral("task.csv")},
        {qkov::DatasetFormat::Auto, QStringLiteral("task.csv")},
    };
    const qkov::DatasetFormat format = kFormats[data[0] % 4].first;
    const QString path = qkov::fuzz::inputFile(kFormats[data[0] % 4].second, data + 1, size - 1);
    qkov::fuzz::expectCleanFailure(path, [&] {
        qint64 expectedIndex = 0, lastLine = 0;
        // Stops after 50 records now and then, as a consumer with enough samples does.
        const qint64 stopAfter = data[0] & 0x80 ? 50 : -1;
        qkov::readTaskRecords(path, format, [&](const qkov::TaskRecord &record) {
            if (record.index != expectedIndex++ || record.line <= lastLine)
                std::abort(); // records out of order or line numbers going backwards
            lastLine = record.line;
            return stopAfter < 0 || expectedIndex < stopAfter;
        });
    });
    return 0;
}
