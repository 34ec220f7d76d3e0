// Copy-free reads of the gradient store, for the score stage: it streams
// every stored entry once, and a float32 copy plus a concatenation per
// (layer, block) used to cost more than its GEMMs.
#include "GradientStore.h"

#include "Error.h"

#include <QTemporaryFile>

#include <cerrno>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>

namespace qkov {

at::Tensor GradientStore::stored(const QString &task, const QString &tensor) const
{
    return storedRows(task, tensor, 0, entry(task, tensor).spec.rows);
}

at::Tensor GradientStore::storedRows(const QString &task, const QString &tensor, int64_t firstRow, int64_t count) const
{
    const Entry &e = entryRows(task, tensor, firstRow, count);
    if (e.resident.defined())
        return e.resident.narrow(0, firstRow, count);
    std::vector<int64_t> shape{count};
    shape.insert(shape.end(), e.spec.shape.begin(), e.spec.shape.end());
    const auto options = at::TensorOptions().dtype(m_dtype);
    if (count == 0)
        return at::empty(shape, options);

    const qint64 rowBytes = qint64(e.rowElements) * qint64(at::elementSize(m_dtype));
    const qint64 offset = e.fileOffset + firstRow * rowBytes;
    const qint64 page = qint64(sysconf(_SC_PAGESIZE));
    const qint64 mapStart = offset - offset % page;
    const size_t length = size_t(count * rowBytes + (offset - mapStart));
    // A map of its own (not QFile::map): it may outlive the QFile, and
    // munmap needs no lock. Populated up front: the rows are read in full.
    void *map = ::mmap(nullptr, length, PROT_READ, MAP_SHARED | MAP_POPULATE, m_spill->handle(), off_t(mapStart));
    if (map == MAP_FAILED)
        throw Error(m_spill->fileName(), QStringLiteral("cannot map %1 bytes of the spill file (%2).")
                                             .arg(qint64(length)).arg(QString::fromLocal8Bit(std::strerror(errno))));
    ::madvise(map, length, MADV_SEQUENTIAL);
    char *rows = static_cast<char *>(map) + (offset - mapStart);
    return at::from_blob(rows, shape, [map, length](void *) { ::munmap(map, length); }, options);
}

} // namespace qkov
