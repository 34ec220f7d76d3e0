#include "GradientStore.h"

#include "Error.h"
#include "StoreMemory.h"

#include <QDir>
#include <QStandardPaths>
#include <QTemporaryFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

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

// Faults in the pages of [data, data+bytes) in one system call; without
// MADV_POPULATE_WRITE (Linux < 5.14) the writes fault them in instead.
void prefault(void *data, qint64 bytes)
{
#ifdef MADV_POPULATE_WRITE
    const uintptr_t page = uintptr_t(sysconf(_SC_PAGESIZE));
    const uintptr_t begin = reinterpret_cast<uintptr_t>(data) & ~(page - 1);
    const uintptr_t end = reinterpret_cast<uintptr_t>(data) + uintptr_t(bytes);
    ::madvise(reinterpret_cast<void *>(begin), end - begin, MADV_POPULATE_WRITE);
#else
    Q_UNUSED(data);
    Q_UNUSED(bytes);
#endif
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
    std::vector<size_t> residentEntries; // indices into m_entries
    std::vector<qint64> residentBytes;   // theirs, in the same order
    for (const GradientEntrySpec &spec : entries) {
        const QString key = keyOf(spec.task, spec.tensor);
        if (m_index.contains(key))
            throw Error(spec.tensor, QStringLiteral("appears twice for task %1 in the gradient store.").arg(spec.task));
        Entry e;
        e.spec = spec;
        e.rowElements = c10::multiply_integers(spec.shape);
        const qint64 bytes = qint64(spec.rows) * e.rowElements * elementBytes;
        // First come, first in RAM: collection order is the order of `entries`.
        if (m_residentBytes + bytes <= options.budgetBytes) {
            residentEntries.push_back(m_entries.size());
            residentBytes.push_back(bytes);
            m_residentBytes += bytes;
        } else {
            e.fileOffset = spillSize;
            spillSize += bytes;
        }
        m_index.insert(key, m_entries.size());
        m_entries.push_back(std::move(e));
    }
    // The last store's memory first, for the entries of the same size.
    storeMemory::prepare(residentBytes);
    for (size_t i = 0; i < residentEntries.size(); ++i) {
        Entry &e = m_entries[residentEntries[i]];
        e.resident = storeMemory::allocate(shapeWithRows(e.spec.rows, e.spec.shape), m_dtype, residentBytes[i]);
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

const GradientStore::Entry &GradientStore::entryRows(const QString &task, const QString &tensor, int64_t firstRow,
                                                     int64_t count) const
{
    const Entry &e = entry(task, tensor);
    if (firstRow < 0 || count < 0 || firstRow + count > e.spec.rows)
        throw Error(tensor, QStringLiteral("rows %1..%2 are outside the %3 samples of task %4.")
                                .arg(firstRow).arg(firstRow + count).arg(e.spec.rows).arg(task));
    return e;
}

const GradientEntrySpec &GradientStore::spec(const QString &task, const QString &tensor) const
{
    return entry(task, tensor).spec;
}

bool GradientStore::isSpilled(const QString &task, const QString &tensor) const
{
    return !entry(task, tensor).resident.defined();
}

void GradientStore::writeSpilled(const Entry &e, int64_t firstRow, const void *data, qint64 bytes)
{
    const char *from = static_cast<const char *>(data);
    qint64 offset = e.fileOffset + firstRow * rowBytes(e);
    while (bytes > 0) {
        const ssize_t n = ::pwrite(m_spill->handle(), from, size_t(bytes), off_t(offset));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            throw Error(m_spill->fileName(), QStringLiteral("cannot write gradients to the spill file (%1).")
                                                 .arg(QString::fromLocal8Bit(std::strerror(n < 0 ? errno : EIO))));
        from += n;
        offset += n;
        bytes -= n;
    }
}

void GradientStore::readSpilled(const Entry &e, int64_t firstRow, void *data, qint64 bytes) const
{
    char *to = static_cast<char *>(data);
    qint64 offset = e.fileOffset + firstRow * rowBytes(e);
    while (bytes > 0) {
        const ssize_t n = ::pread(m_spill->handle(), to, size_t(bytes), off_t(offset));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            throw Error(m_spill->fileName(), QStringLiteral("cannot read gradients back from the spill file (%1).")
                                                 .arg(n < 0 ? QString::fromLocal8Bit(std::strerror(errno))
                                                            : QStringLiteral("it is shorter than written")));
        to += n;
        offset += n;
        bytes -= n;
    }
}

at::Tensor GradientStore::writableRows(const QString &task, const QString &tensor, int64_t firstRow, int64_t count,
                                       at::ScalarType dtype)
{
    const Entry &e = entry(task, tensor);
    if (!e.resident.defined() || dtype != m_dtype || firstRow < 0 || count <= 0 || firstRow + count > e.spec.rows)
        return {};
    at::Tensor rows = e.resident.narrow(0, firstRow, count);
    prefault(rows.data_ptr(), count * rowBytes(e));
    return rows;
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
        at::Tensor dst = e.resident.view({e.spec.rows, e.rowElements}).narrow(0, firstRow, count);
        if (src.data_ptr() != dst.data_ptr() || src.scalar_type() != m_dtype || !src.is_contiguous()) {
            prefault(dst.data_ptr(), count * rowBytes(e));
            dst.copy_(src);
        }
        return;
    }
    const qint64 bytes = count * rowBytes(e);
    if (src.scalar_type() == m_dtype && src.is_contiguous()) {
        writeSpilled(e, firstRow, src.data_ptr(), bytes);
        return;
    }
    if (!m_staging.defined() || m_staging.numel() < src.numel())
        m_staging = at::empty({src.numel()}, at::TensorOptions().dtype(m_dtype));
    at::Tensor staged = m_staging.narrow(0, 0, src.numel()).view({count, e.rowElements});
    staged.copy_(src);
    writeSpilled(e, firstRow, staged.data_ptr(), bytes);
}

at::Tensor GradientStore::read(const QString &task, const QString &tensor) const
{
    return readRows(task, tensor, 0, entry(task, tensor).spec.rows);
}

at::Tensor GradientStore::readRows(const QString &task, const QString &tensor, int64_t firstRow, int64_t count) const
{
    const Entry &e = entryRows(task, tensor, firstRow, count);
    if (e.resident.defined())
        return e.resident.narrow(0, firstRow, count).to(at::kFloat, /*non_blocking=*/false, /*copy=*/true);
    const std::vector<int64_t> shape = shapeWithRows(count, e.spec.shape);
    at::Tensor out = at::empty(shape, at::TensorOptions().dtype(at::kFloat));
    if (count == 0)
        return out;
    if (m_dtype == at::kFloat) {
        readSpilled(e, firstRow, out.data_ptr(), count * rowBytes(e));
        return out;
    }
    at::Tensor raw = at::empty(shape, at::TensorOptions().dtype(m_dtype));
    readSpilled(e, firstRow, raw.data_ptr(), count * rowBytes(e));
    return out.copy_(raw);
}

} // namespace qkov
