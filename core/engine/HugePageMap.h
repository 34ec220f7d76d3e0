#pragma once
// Anonymous memory that starts on a 2 MB boundary, its whole 2 MB pages
// advised to use transparent huge pages: faulting such memory in and handing
// it back cost a fraction of 4 KB pages. The CPU allocator's large blocks
// and the gradient store's resident entries both live in such maps.
#include <cstddef>

namespace qkov::hugePages {

constexpr size_t kPageBytes = size_t(2) << 20;

// `bytes` rounded up to whole huge pages.
constexpr size_t roundUp(size_t bytes)
{
    return (bytes + kPageBytes - 1) & ~(kPageBytes - 1);
}

// A private, zero-filled map of `length` bytes on a huge-page boundary;
// nullptr when the system refuses it. Only whole huge pages get the advice:
// faulting in a tail never takes memory beyond `length`.
void *map(size_t length);
// Gives back a map from map() (the same length).
void unmap(void *start, size_t length);

} // namespace qkov::hugePages
