#include "GradientStore.h"

#include "Error.h"

#include <QDir>
#include <QStandardPaths>
#include <QTemporaryFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>

namespace qkov {

namespace {

QString keyOf(const QString &task, const QString &tensor)
{
    return task + QLatin1Char('\n') + tensor;
}

QString gib(qint64 bytes)
{
    return QString::number(double(bytes) / double(qint64(1) << 30), 'f', 2) + QStringLiteral(" GiB");
}

std::vector<int64_t> shapeWithRows(int64_t rows, const std::vector<int64_t> &shape)
{
    std::vector<int64_t> full{rows};
    full.insert(full.end(), shape.begin(), shape.end());
    return full;
}

} // namespace

QString GradientStore::defaultSpillDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/gradients");
}

GradientStore::GradientStore(const std::vector<GradientEntrySpec> &entries, const GradientStoreOptions &options)
    : m_dtype(options.storage == GradientStorage::BFloat16 ? at::kBFloat16 : at::kFloat)
{
    const qint64 elementBytes = qint64(at::elementSize(m_dtype));
    qint64 spillSize = 0;
    for (const GradientEntrySpec &spec : entries) {
        const QString key = keyOf(spec.task, spec.tensor);
        if (m_index.contains(key))
            throw Error(spec.tensor, QStringLiteral("appears twice for task %1 in the gradient store.").arg(spec.task));
        Entry e;
        e.spec = spec;
        e.rowElements = 1;
        for (int64_t d : spec.shape)
            e.rowElements *= d;
        const qint64 bytes = qint64(spec.rows) * e.rowElements * elementBytes;
        // First come, first in RAM: collection order is the order of `entries`.
        if (m_residentBytes + bytes <= options.budgetBytes) {
            e.resident = at::empty(shapeWithRows(spec.rows, spec.shape), at::TensorOptions().dtype(m_dtype));
            m_residentBytes += bytes;
        } else {
            e.fileOffset = spillSize;
            spillSize += bytes;
        }
        m_index.insert(key, m_entries.size());
        m_entries.push_back(std::move(e));
    }
    m_spilledBytes = spillSize;
    if (spillSize == 0)
        return;

    const QString dir = options.spillDirectory.isEmpty() ? defaultSpillDirectory() : options.spillDirectory;
    if (!QDir().mkpath(dir))
        throw Error(dir, QStringLiteral("the folder for spilled gradients cannot be created."));
    m_spill = std::make_unique<QTemporaryFile>(QDir(dir).filePath(QStringLiteral("qkov-gradients-XXXXXX.spill")));
    if (!m_spill->open())
        throw Error(dir, QStringLiteral("cannot create a spill file for gradients (%1).").arg(m_spill->errorString()));
    // Reserve every byte now: writing through a map into a sparse file on a
    // full disk would kill the process with SIGBUS instead of an error.
    const int rc = posix_fallocate(m_spill->handle(), 0, spillSize);
    if (rc != 0) {
        const QString path = m_spill->fileName();
        m_spill.reset(); // removes the file
        throw Error(path, QStringLiteral("cannot reserve %1 for gradients beyond the %2 memory budget (%3); free disk space or raise the budget.")
                              .arg(gib(spillSize), gib(options.budgetBytes), QString::fromLocal8Bit(std::strerror(rc))));
    }
}

GradientStore::~GradientStore() = default; // QTemporaryFile removes the spill file

QString GradientStore::spillPath() const
{
    return m_spill ? m_spill->fileName() : QString();
}

bool GradientStore::contains(const QString &task, const QString &tensor) const
{
    return m_index.contains(keyOf(task, tensor));
}

const GradientStore::Entry &GradientStore::entry(const QString &task, const QString &tensor) const
{
    const auto it = m_index.constFind(keyOf(task, tensor));
    if (it == m_index.constEnd())
        throw Error(tensor, QStringLiteral("the gradient store holds nothing for task %1.").arg(task));
    return m_entries[*it];
}

const GradientEntrySpec &GradientStore::spec(const QString &task, const QString &tensor) const
{
    return entry(task, tensor).spec;
}

bool GradientStore::isSpilled(const QString &task, const QString &tensor) const
{
    return !entry(task, tensor).resident.defined();
}

template <typename Use>
void GradientStore::withMappedRows(const Entry &e, int64_t firstRow, int64_t count, Use &&use) const
{
    const qint64 rowBytes = qint64(e.rowElements) * qint64(at::elementSize(m_dtype));
    const qint64 offset = e.fileOffset + firstRow * rowBytes;
    const qint64 size = count * rowBytes;
    QMutexLocker lock(&m_mapMutex);
    uchar *data = m_spill->map(offset, size);
    if (!data)
        throw Error(m_spill->fileName(), QStringLiteral("cannot map %1 bytes of the spill file (%2).")
                                             .arg(size).arg(m_spill->errorString()));
    try {
        use(at::from_blob(data, shapeWithRows(count, e.spec.shape), at::TensorOptions().dtype(m_dtype)));
    } catch (...) {
        m_spill->unmap(data);
        throw;
    }
    // Unmapping drops the pages from this process's resident set.
    m_spill->unmap(data);
}

void GradientStore::write(const QString &task, const QString &tensor, int64_t firstRow, const at::Tensor &rows)
{
    const Entry &e = entry(task, tensor);
    const int64_t count = rows.size(0);
    if (firstRow < 0 || count < 0 || firstRow + count > e.spec.rows || rows.numel() != count * e.rowElements)
        throw Error(tensor, QStringLiteral("rows %1..%2 of shape %3 do not fit the store entry of task %4.")
                                .arg(firstRow).arg(firstRow + count).arg(QString::fromStdString(c10::str(rows.sizes())), task));
    if (count == 0)
        return;
    const at::Tensor src = rows.detach().to(at::kCPU).reshape({count, e.rowElements});
    if (e.resident.defined()) {
        e.resident.view({e.spec.rows, e.rowElements}).narrow(0, firstRow, count).copy_(src);
        return;
    }
    withMappedRows(e, firstRow, count, [&](const at::Tensor &mapped) {
        mapped.view({count, e.rowElements}).copy_(src);
    });
}

at::Tensor GradientStore::read(const QString &task, const QString &tensor) const
{
    return readRows(task, tensor, 0, entry(task, tensor).spec.rows);
}

at::Tensor GradientStore::readRows(const QString &task, const QString &tensor, int64_t firstRow, int64_t count) const
{
    const Entry &e = entry(task, tensor);
    if (firstRow < 0 || count < 0 || firstRow + count > e.spec.rows)
        throw Error(tensor, QStringLiteral("rows %1..%2 are outside the %3 samples of task %4.")
                                .arg(firstRow).arg(firstRow + count).arg(e.spec.rows).arg(task));
    if (e.resident.defined() || count == 0)
        return e.resident.defined() ? e.resident.narrow(0, firstRow, count).to(at::kFloat, /*non_blocking=*/false, /*copy=*/true)
                                    : at::empty(shapeWithRows(0, e.spec.shape), at::TensorOptions().dtype(at::kFloat));
    at::Tensor out;
    withMappedRows(e, firstRow, count, [&](const at::Tensor &mapped) {
        out = mapped.to(at::kFloat, /*non_blocking=*/false, /*copy=*/true);
    });
    return out;
}

} // namespace qkov
