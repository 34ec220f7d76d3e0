#include "CpuMemoryMeter.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>

#include <atomic>
#include <cstdlib>
#include <mutex>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace qkov::cpuMemory {

namespace {

std::atomic<qint64> g_inUse{0};
std::atomic<qint64> g_peak{0};

// The block size sits in a header of one alignment unit in front of the data,
// so the raw deleter (which gets only the data pointer) can subtract it.
constexpr size_t kHeader = 64; // c10's CPU alignment
struct BlockHeader
{
    size_t bytes;
    bool huge;
};
static_assert(sizeof(BlockHeader) <= kHeader);

// Large blocks (a batch's activations) start on a 2 MB boundary and are
// advised to use transparent huge pages: faulting them in and handing them
// back (an unwinding cancel frees a whole graph at once) take a fraction of
// the time of 4 KB pages.
constexpr size_t kHugePage = size_t(2) << 20;
constexpr size_t kHugeBlock = size_t(8) << 20;

void release(void *data)
{
    if (!data)
        return;
    char *base = static_cast<char *>(data) - kHeader;
    const BlockHeader header = *reinterpret_cast<const BlockHeader *>(base);
    g_inUse.fetch_sub(qint64(header.bytes), std::memory_order_relaxed);
    if (header.huge)
        std::free(base);
    else
        c10::free_cpu(base);
}

char *allocateBlock(size_t bytes)
{
#ifdef __linux__
    if (bytes + kHeader >= kHugeBlock) {
        void *base = nullptr;
        TORCH_CHECK(posix_memalign(&base, kHugePage, bytes + kHeader) == 0,
                    "DefaultCPUAllocator: not enough memory: you tried to allocate ", bytes, " bytes.");
        ::madvise(base, (bytes + kHeader) & ~(kHugePage - 1), MADV_HUGEPAGE);
        *static_cast<BlockHeader *>(base) = {bytes, true};
        return static_cast<char *>(base);
    }
#endif
    char *base = static_cast<char *>(c10::alloc_cpu(bytes + kHeader));
    *reinterpret_cast<BlockHeader *>(base) = {bytes, false};
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

} // namespace qkov::cpuMemory
