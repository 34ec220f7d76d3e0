#include "StoreMemory.h"

#include "Error.h"
#include "engine/HugePageMap.h"

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <set>

namespace qkov::storeMemory {

namespace {

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
    hugePages::unmap(map, length);
}

} // namespace

void prepare(const std::vector<qint64> &entryBytes)
{
    std::multiset<size_t> wanted; // map lengths the new store needs
    size_t total = 0;
    for (qint64 bytes : entryBytes)
        if (size_t(bytes) >= hugePages::kPageBytes) {
            wanted.insert(size_t(bytes));
            total += size_t(bytes);
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
        hugePages::unmap(map, length);
}

at::Tensor allocate(const std::vector<int64_t> &shape, at::ScalarType dtype, qint64 bytes)
{
    const auto options = at::TensorOptions().dtype(dtype);
    if (size_t(bytes) < hugePages::kPageBytes)
        return at::empty(shape, options);
    const size_t length = size_t(bytes);
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
    if (!map && !(map = hugePages::map(length)))
        throw Error(QStringLiteral("memory budget"),
                    QStringLiteral("cannot reserve %1 GiB for gradients in memory (%2); lower the budget.")
                        .arg(double(bytes) / double(qint64(1) << 30), 0, 'f', 2)
                        .arg(QString::fromLocal8Bit(std::strerror(errno))));
    return at::from_blob(map, shape, [map, length](void *) { giveBack(map, length); }, options);
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
        hugePages::unmap(map, length);
}

qint64 cachedBytes()
{
    Cache &c = cache();
    const std::lock_guard<std::mutex> lock(c.mutex);
    return qint64(c.bytes);
}

} // namespace qkov::storeMemory
