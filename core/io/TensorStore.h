#pragma once
// The tensors of a checkpoint by name, whatever their source: one or more
// memory-mapped safetensors shards, or tensors built in memory (llama2.c import).
// Consumers ask for a name and get bytes + dtype + shape; nothing is copied
// until a float32 copy is requested.
#include "DType.h"
#include "SafeTensors.h"

#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

namespace qkov {

struct TensorMeta
{
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    int64_t numel() const;
};

// A read-only view of one tensor's bytes (valid while its store lives).
struct TensorView
{
    QString name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    const uchar *bytes = nullptr;
    int64_t numel() const;
};

class TensorStore
{
public:
    // A folder: model.safetensors.index.json (sharded) if present, else
    // model.safetensors, else every *.safetensors in it. Throws qkov::Error.
    static std::shared_ptr<TensorStore> openFolder(const QString &dir,
                                                   const SafeTensorsLimits &limits = {});
    // One .safetensors file.
    static std::shared_ptr<TensorStore> openFile(const QString &path,
                                                 const SafeTensorsLimits &limits = {});
    // Tensors held in memory (float32 only), e.g. from a llama2.c import.
    static std::shared_ptr<TensorStore> fromFloatTensors(
        const QString &origin, std::vector<std::pair<QString, std::pair<std::vector<int64_t>, std::vector<float>>>> tensors);

    const QString &origin() const { return m_origin; } // folder or file it came from
    QStringList names() const;                          // sorted
    bool contains(const QString &name) const { return m_entries.contains(name); }
    TensorMeta meta(const QString &name) const;         // throws if missing
    TensorView view(const QString &name) const;         // throws if missing
    // A float32 copy (F16/BF16/F64/integers converted).
    std::vector<float> toFloat(const QString &name) const;
    // __metadata__ of the (first) file.
    const QJsonObject &metadata() const { return m_metadata; }
    // The files behind the store (empty for in-memory stores).
    QStringList files() const;

private:
    struct Entry
    {
        int file = -1;                 // index into m_files, -1 for memory
        TensorInfo info;               // for files
        std::vector<float> memory;     // for memory tensors
    };
    QString m_origin;
    std::vector<std::shared_ptr<SafeTensorsFile>> m_files;
    QHash<QString, Entry> m_entries;
    QJsonObject m_metadata;
};

// Writes a safetensors file atomically (temporary file + rename). Used by
// sessions, the demo trainer and tests that need synthetic checkpoints.
class SafeTensorsWriter
{
public:
    void setMetadata(const QString &key, const QString &value);
    // Copies the bytes now; `bytes` must hold product(shape) * dtypeSize(dtype).
    void add(const QString &name, DType dtype, const std::vector<int64_t> &shape, const void *bytes);
    void addFloat(const QString &name, const std::vector<int64_t> &shape, const std::vector<float> &values);
    // Throws qkov::Error naming `path` (e.g. disk full); the old file, if any, is kept.
    void write(const QString &path) const;
    QByteArray toBytes() const;

private:
    struct Item
    {
        QString name;
        DType dtype;
        std::vector<int64_t> shape;
        QByteArray bytes;
    };
    std::vector<Item> m_items;
    QJsonObject m_metadata;
};

} // namespace qkov
