#pragma once
// A validated, memory-mapped safetensors file. Everything about the header is
// checked before any tensor byte is touched: header length against the file
// size, UTF-8 JSON, dtype names, shapes (no absurd sizes), every data range
// inside the data area, byte size = product(shape) x dtype size, no overlaps.
#include "DType.h"

#include <QJsonObject>
#include <QString>
#include <cstdint>
#include <memory>
#include <vector>

class QFile;

namespace qkov {

struct TensorInfo
{
    QString name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    uint64_t begin = 0; // byte offsets relative to the start of the data area
    uint64_t end = 0;

    int64_t numel() const;
    uint64_t byteSize() const { return end - begin; }
};

struct SafeTensorsLimits
{
    uint64_t maxHeaderBytes = 100ull << 20;   // 100 MB of JSON is already absurd
    uint64_t maxTensorBytes = 1ull << 40;     // 1 TB: refuse larger claims outright
    int maxRank = 8;
    int64_t maxTensors = 1'000'000;
};

class SafeTensorsFile
{
public:
    // Opens, validates and maps `path`. Throws qkov::Error naming the file.
    static std::shared_ptr<SafeTensorsFile> open(const QString &path,
                                                 const SafeTensorsLimits &limits = {});

    // Validates a header (the JSON bytes after the 8-byte length) against a
    // data area of `dataSize` bytes. Pure function, no I/O: used by open()
    // and by the fuzz targets. Throws qkov::Error naming `path`.
    struct Header
    {
        std::vector<TensorInfo> tensors; // sorted by name
        QJsonObject metadata;            // "__metadata__" (string -> string)
    };
    static Header parseHeader(const QByteArray &json, uint64_t dataSize, const QString &path,
                              const SafeTensorsLimits &limits = {});

    ~SafeTensorsFile();

    const QString &path() const { return m_path; }
    const std::vector<TensorInfo> &tensors() const { return m_header.tensors; }
    const QJsonObject &metadata() const { return m_header.metadata; }
    const TensorInfo *find(const QString &name) const;
    // Start of a tensor's bytes inside the mapping (valid while this object lives).
    const uchar *data(const TensorInfo &info) const { return m_data + info.begin; }
    uint64_t fileSize() const { return m_fileSize; }

private:
    SafeTensorsFile() = default;
    QString m_path;
    std::unique_ptr<QFile> m_file;
    const uchar *m_data = nullptr;
    uint64_t m_fileSize = 0;
    Header m_header;
};

} // namespace qkov
