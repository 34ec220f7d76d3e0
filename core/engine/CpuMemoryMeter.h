#pragma once
// Bytes of LibTorch CPU tensor memory in use, and the peak since a reset,
// counted by a thin allocator installed in front of LibTorch's own CPU
// allocator. The Fisher collection measures one batch's working set with it,
// so that the memory budget covers the gradient store and the batch together.
// The allocator also keeps freed large blocks (8 MB and more) for the next
// tensors of about their size, so a batch's activations reuse the last
// batch's pages; the cache never makes resident memory grow.
#include <QtGlobal>

namespace qkov::cpuMemory {

// Installs the counting allocator once per process; false when LibTorch
// keeps another allocator (then the figures below stay 0).
bool install();
qint64 bytesInUse();
qint64 peakBytes();
// Sets the peak to the bytes in use now.
void resetPeak();
// Freed large blocks held for reuse (not counted in bytesInUse), and giving
// them back to the system (after a job, when the process goes idle).
qint64 cachedBytes();
void releaseCache();

} // namespace qkov::cpuMemory
