#pragma once
// Per-sample gradients of every (task, tensor): [n, stored shape...], under a
// memory budget. Entries that fit the budget live in RAM (huge pages,
// prefaulted a batch at a time: first touch of fresh memory otherwise costs
// more than the copy); the rest go to one spill file in the user's cache
// folder, reserved in full up front (so a full disk is an error before
// anything is written, never a crash half-way) and written and read with
// large pwrite/pread calls: no writable map, whose dirty pages would count
// toward the process's memory. The process holds the budget plus one batch.
// The spill file is deleted when the store is destroyed (also when a job is
// cancelled and the store unwinds with it).
#include "FisherSettings.h"

#include <ATen/ATen.h>

#include <QHash>
#include <QString>
#include <memory>
#include <vector>

class QTemporaryFile;

namespace qkov {

struct GradientEntrySpec
{
    QString task;                 // "a" or "b"
    QString tensor;               // checkpoint tensor name
    std::vector<int64_t> shape;   // one sample's gradient (stored layout)
    int64_t rows = 0;             // samples of the task
};

struct GradientStoreOptions
{
    qint64 budgetBytes = qint64(4) << 30;
    GradientStorage storage = GradientStorage::Float32;
    QString spillDirectory;       // "" = defaultSpillDirectory()
};

class GradientStore
{
public:
    // Throws qkov::Error naming the spill file when it cannot be created or
    // the disk has no room for it (the file is removed again).
    GradientStore(const std::vector<GradientEntrySpec> &entries, const GradientStoreOptions &options);
    ~GradientStore();
    GradientStore(const GradientStore &) = delete;
    GradientStore &operator=(const GradientStore &) = delete;

    // <user cache folder>/gradients (QStandardPaths::CacheLocation).
    static QString defaultSpillDirectory();

    bool contains(const QString &task, const QString &tensor) const;
    const GradientEntrySpec &spec(const QString &task, const QString &tensor) const;
    bool isSpilled(const QString &task, const QString &tensor) const;

    // rows [k, shape...] (any floating dtype) into rows firstRow .. firstRow+k.
    // Rows formed in place (in a writableRows() view) are left as they are.
    void write(const QString &task, const QString &tensor, int64_t firstRow, const at::Tensor &rows);
    // Where to form rows firstRow .. firstRow+count computed in `dtype`: a
    // contiguous view of the store's own memory, prefaulted, when the entry is
    // in RAM in that dtype; else undefined (form them elsewhere and write()).
    at::Tensor writableRows(const QString &task, const QString &tensor, int64_t firstRow, int64_t count,
                            at::ScalarType dtype);
    // float32 copies: all rows, or `count` rows from `firstRow`.
    at::Tensor read(const QString &task, const QString &tensor) const;
    at::Tensor readRows(const QString &task, const QString &tensor, int64_t firstRow, int64_t count) const;
    // The same rows without a copy, in the stored dtype (GradientStoreRead.cpp):
    // a view of the resident tensor, or of a read-only map of the spill file
    // that is unmapped when the last reference to the returned tensor goes
    // (it stays valid beyond the store). Scores read the store this way.
    at::Tensor storedRows(const QString &task, const QString &tensor, int64_t firstRow, int64_t count) const;
    at::Tensor stored(const QString &task, const QString &tensor) const; // all rows

    qint64 residentBytes() const { return m_residentBytes; }
    qint64 spilledBytes() const { return m_spilledBytes; }
    QString spillPath() const; // "" when nothing spilled
    at::ScalarType storageType() const { return m_dtype; }

private:
    struct Entry
    {
        GradientEntrySpec spec;
        int64_t rowElements = 0;
        at::Tensor resident;      // defined when in RAM
        qint64 fileOffset = -1;   // else its place in the spill file
    };
    const Entry &entry(const QString &task, const QString &tensor) const;
    // The entry, once rows [firstRow, firstRow + count) are known to exist.
    const Entry &entryRows(const QString &task, const QString &tensor, int64_t firstRow, int64_t count) const;
    qint64 rowBytes(const Entry &e) const { return qint64(e.rowElements) * qint64(at::elementSize(m_dtype)); }
    // Whole-range pwrite/pread of a spilled entry's rows; throw naming the spill file.
    void writeSpilled(const Entry &e, int64_t firstRow, const void *data, qint64 bytes);
    void readSpilled(const Entry &e, int64_t firstRow, void *data, qint64 bytes) const;

    at::ScalarType m_dtype = at::kFloat;
    std::vector<Entry> m_entries;
    QHash<QString, size_t> m_index;
    qint64 m_residentBytes = 0;
    qint64 m_spilledBytes = 0;
    std::unique_ptr<QTemporaryFile> m_spill;
    at::Tensor m_staging; // reused for dtype conversion of spilled writes
};

} // namespace qkov
