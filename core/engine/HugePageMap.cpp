#include "HugePageMap.h"

#include <cstdint>
#include <sys/mman.h>
#include <unistd.h>

namespace qkov::hugePages {

void *map(size_t length)
{
    const auto page = size_t(::sysconf(_SC_PAGESIZE));
    const size_t whole = (length + page - 1) & ~(page - 1);
    // Room to move the start to the next huge-page boundary; the rest is
    // given back at once.
    void *raw = ::mmap(nullptr, whole + kPageBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED)
        return nullptr;
    const auto start = reinterpret_cast<uintptr_t>(raw);
    const uintptr_t aligned = (start + kPageBytes - 1) & ~uintptr_t(kPageBytes - 1);
    if (aligned > start)
        ::munmap(raw, aligned - start);
    if (const size_t tail = start + whole + kPageBytes - (aligned + whole))
        ::munmap(reinterpret_cast<void *>(aligned + whole), tail);
#ifdef MADV_HUGEPAGE
    if (const size_t huge = length & ~(kPageBytes - 1))
        ::madvise(reinterpret_cast<void *>(aligned), huge, MADV_HUGEPAGE);
#endif
    return reinterpret_cast<void *>(aligned);
}

void unmap(void *start, size_t length)
{
    ::munmap(start, length);
}

} // namespace qkov::hugePages
