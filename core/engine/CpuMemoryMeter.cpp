#include "CpuMemoryMeter.h"

#include "HugePageMap.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>

#include <atomic>
#include <map>
#include <mutex>
#include <vector>


namespace qkov::cpuMemory {

namespace {

std::atomic<qint64> g_inUse{0};
std::atomic<qint64> g_peak{0};

// The block size sits in a header of one alignment unit in front of the data,
// so the raw deleter (which gets only the data pointer) can subtract it.
constexpr size_t kHeader = 64; // c10's CPU alignment
struct BlockHeader
{
    size_t bytes;      // the tensor's bytes (what bytesInUse counts)
    size_t blockBytes; // the whole block, header included; 0 = a small block
};
static_assert(sizeof(BlockHeader) <= kHeader);

// Large blocks (a batch's activations) are huge-page maps of their own
// (HugePageMap.h): faulting them in and handing them back (an unwinding
// cancel frees a whole graph at once) take a fraction of the time of 4 KB
// pages, and unmapping one really lowers the resident size, where malloc
// would keep a freed block in its heap.
constexpr size_t kHugeBlock = size_t(8) << 20;

// Freed large blocks, kept for the next tensor of about their size: every
// batch allocates the same activation shapes again, and a block the process
// gave back comes back zero-filled by the kernel (5-7 % of a forward+backward
// at GPT-2-small shape went to that clearing, perf). Resident memory never
// grows because of the cache: a tensor that finds no block first frees cached
// blocks of at least its size. releaseCache() gives everything back.
class BlockCache
{
public:
    // A cached block of `blockBytes` up to a quarter larger (batches of
    // other lengths), or nullptr after making room for a fresh one.
    void *take(size_t blockBytes, size_t *taken)
    {
        std::vector<std::pair<size_t, void *>> evicted;
        void *block = nullptr;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            auto it = m_blocks.lower_bound(blockBytes);
            if (it != m_blocks.end() && it->first <= blockBytes + blockBytes / 4) {
                *taken = it->first;
                block = it->second;
                m_cached -= it->first;
                m_blocks.erase(it);
                return block;
            }
            // Largest first: the fewest blocks freed for the room.
            size_t freed = 0;
            while (freed < blockBytes && !m_blocks.empty()) {
                auto last = std::prev(m_blocks.end());
                freed += last->first;
                m_cached -= last->first;
                evicted.emplace_back(last->first, last->second);
                m_blocks.erase(last);
            }
        }
        for (const auto &[bytes, e] : evicted)
            hugePages::unmap(e, bytes);
        return nullptr;
    }
    void put(void *block, size_t blockBytes)
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_blocks.emplace(blockBytes, block);
        m_cached += blockBytes;
    }
    void release()
    {
        std::multimap<size_t, void *> blocks;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            blocks.swap(m_blocks);
            m_cached = 0;
        }
        for (const auto &[bytes, block] : blocks)
            hugePages::unmap(block, bytes);
    }
    qint64 cachedBytes() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return qint64(m_cached);
    }

private:
    mutable std::mutex m_mutex;
    std::multimap<size_t, void *> m_blocks;
    size_t m_cached = 0;
};


// Never destroyed: tensors may be freed during static destruction.
BlockCache &blockCache()
{
    static auto *cache = new BlockCache;
    return *cache;
}

void release(void *data)
{
    if (!data)
        return;
    char *base = static_cast<char *>(data) - kHeader;
    const BlockHeader header = *reinterpret_cast<const BlockHeader *>(base);
    g_inUse.fetch_sub(qint64(header.bytes), std::memory_order_relaxed);
    if (header.blockBytes)
        blockCache().put(base, header.blockBytes);
    else
        c10::free_cpu(base);
}

char *allocateBlock(size_t bytes)
{
    if (bytes + kHeader >= kHugeBlock) {
        size_t blockBytes = hugePages::roundUp(bytes + kHeader);
        void *base = blockCache().take(blockBytes, &blockBytes);
        if (!base)
            base = hugePages::map(blockBytes);
        TORCH_CHECK(base, "DefaultCPUAllocator: not enough memory: you tried to allocate ", bytes, " bytes.");
        *static_cast<BlockHeader *>(base) = {bytes, blockBytes};
        return static_cast<char *>(base);
    }
    char *base = static_cast<char *>(c10::alloc_cpu(bytes + kHeader));
    *reinterpret_cast<BlockHeader *>(base) = {bytes, 0};
    return base;
}

class CountingCpuAllocator final : public c10::Allocator
{
public:
    c10::DataPtr allocate(size_t bytes) const override
    {
        if (bytes == 0)
            return {nullptr, nullptr, &release, c10::Device(c10::DeviceType::CPU)};
        char *base = allocateBlock(bytes);
        const qint64 now = g_inUse.fetch_add(qint64(bytes), std::memory_order_relaxed) + qint64(bytes);
        qint64 peak = g_peak.load(std::memory_order_relaxed);
        while (now > peak && !g_peak.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
        }
        void *data = base + kHeader;
        return {data, data, &release, c10::Device(c10::DeviceType::CPU)};
    }
    c10::DeleterFnPtr raw_deleter() const override { return &release; }
};

} // namespace

bool install()
{
    static CountingCpuAllocator allocator;
    static std::once_flag once;
    std::call_once(once, [] {
        // Priority 1: above LibTorch's default (0), below anything a caller
        // registered on purpose.
        if (c10::GetCPUAllocator() != &allocator)
            c10::SetCPUAllocator(&allocator, /*priority=*/1);
    });
    return c10::GetCPUAllocator() == &allocator;
}

qint64 bytesInUse()
{
    return g_inUse.load(std::memory_order_relaxed);
}

qint64 peakBytes()
{
    return g_peak.load(std::memory_order_relaxed);
}

void resetPeak()
{
    g_peak.store(g_inUse.load(std::memory_order_relaxed), std::memory_order_relaxed);
}

qint64 cachedBytes()
{
    return blockCache().cachedBytes();
}

void releaseCache()
{
    blockCache().release();
}

} // namespace qkov::cpuMemory
