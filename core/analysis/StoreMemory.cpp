#include "StoreMemory.h"

#include "Error.h"

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <sys/mman.h>

namespace qkov::storeMemory {

namespace {

constexpr size_t kHugePage = size_t(2) << 20;

// Leaked on purpose: a tensor's deleter may hand its map back during exit.
struct Cache
{
    std::mutex mutex;
    std::multimap<size_t, void *> maps; // length -> map
    size_t bytes = 0;
    size_t cap = 0;
};

Cache &cache()
{
    static Cache *c = new Cache;
    return *c;
}

size_t mapLength(qint64 bytes)
{
    return size_t(bytes) + kHugePage; // room to align the start to a huge page
}

void giveBack(void *map, size_t length)
{
    Cache &c = cache();
    {
        const std::lock_guard<std::mutex> lock(c.mutex);
        if (c.bytes + length <= c.cap) {
            c.maps.emplace(length, map);
            c.bytes += length;
            return;
        }
    }
    ::munmap(map, length);
}

} // namespace

void prepare(const std::vector<qint64> &entryBytes)
{
    std::multiset<size_t> wanted; // map lengths the new store needs
    size_t total = 0;
    for (qint64 bytes : entryBytes)
        if (size_t(bytes) >= kHugePage) {
            wanted.insert(mapLength(bytes));
            total += mapLength(bytes);
        }
    std::vector<std::pair<void *, size_t>> unused;
    Cache &c = cache();
    {
        const std::lock_guard<std::mutex> lock(c.mutex);
        c.cap = total;
        for (auto it = c.maps.begin(); it != c.maps.end();) {
            const auto match = wanted.find(it->first);
            if (match != wanted.end()) {
                wanted.erase(match);
                ++it;
                continue;
            }
            unused.emplace_back(it->second, it->first);
            c.bytes -= it->first;
            it = c.maps.erase(it);
        }
    }
    for (const auto &[map, length] : unused)
        ::munmap(map, length);
}

at::Tensor allocate(const std::vector<int64_t> &shape, at::ScalarType dtype, qint64 bytes)
{
    const auto options = at::TensorOptions().dtype(dtype);
    if (size_t(bytes) < kHugePage)
        return at::empty(shape, options);
    const size_t length = mapLength(bytes);
    void *map = nullptr;
    Cache &c = cache();
    {
        const std::lock_guard<std::mutex> lock(c.mutex);
        const auto it = c.maps.find(length);
        if (it != c.maps.end()) {
            map = it->second;
            c.bytes -= length;
            c.maps.erase(it);
        }
    }
    if (!map) {
        map = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (map == MAP_FAILED)
            throw Error(QStringLiteral("memory budget"),
                        QStringLiteral("cannot reserve %1 GiB for gradients in memory (%2); lower the budget.")
                            .arg(double(bytes) / double(qint64(1) << 30), 0, 'f', 2)
                            .arg(QString::fromLocal8Bit(std::strerror(errno))));
    }
    const auto start = (reinterpret_cast<uintptr_t>(map) + kHugePage - 1) & ~uintptr_t(kHugePage - 1);
    // Advice only. The tail past the last whole huge page keeps small pages, so
    // that faulting it in never takes memory beyond the entry's own bytes.
    ::madvise(reinterpret_cast<void *>(start), size_t(bytes) & ~(kHugePage - 1), MADV_HUGEPAGE);
    return at::from_blob(reinterpret_cast<void *>(start), shape, [map, length](void *) { giveBack(map, length); },
                         options);
}

void release()
{
    std::multimap<size_t, void *> maps;
    Cache &c = cache();
    {
        const std::lock_guard<std::mutex> lock(c.mutex);
        maps.swap(c.maps);
        c.bytes = 0;
        c.cap = 0;
    }
    for (const auto &[length, map] : maps)
        ::munmap(map, length);
}

qint64 cachedBytes()
{
    Cache &c = cache();
    const std::lock_guard<std::mutex> lock(c.mutex);
    return qint64(c.bytes);
}

} // namespace qkov::storeMemory
