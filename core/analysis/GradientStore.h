#pragma once
// Per-sample gradients of every (task, tensor): [n, stored shape...], under a
// memory budget. Entries that fit the budget live in RAM; the rest go to one
// spill file in the user's cache folder, reserved in full up front (so a full
// disk is an error before anything is written, never a crash half-way) and
// accessed through short-lived memory maps of the rows in use, so the
// process never holds more than the budget plus one batch. The spill file is
// deleted when the store is destroyed (also when a job is cancelled and the
// store unwinds with it).
#include "FisherSettings.h"

#include <ATen/ATen.h>

#include <QHash>
#include <QMutex>
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
    void write(const QString &task, const QString &tensor, int64_t firstRow, const at::Tensor &rows);
    // float32 copies: all rows, or `count` rows from `firstRow`.
    at::Tensor read(const QString &task, const QString &tensor) const;
    at::Tensor readRows(const QString &task, const QString &tensor, int64_t firstRow, int64_t count) const;

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
    // Maps rows of a spilled entry and calls `use` with a tensor view of them.
    template <typename Use>
    void withMappedRows(const Entry &e, int64_t firstRow, int64_t count, Use &&use) const;

    at::ScalarType m_dtype = at::kFloat;
    std::vector<Entry> m_entries;
    QHash<QString, size_t> m_index;
    qint64 m_residentBytes = 0;
    qint64 m_spilledBytes = 0;
    std::unique_ptr<QTemporaryFile> m_spill;
    mutable QMutex m_mapMutex; // QFile::map/unmap keep a table of maps
};

} // namespace qkov
