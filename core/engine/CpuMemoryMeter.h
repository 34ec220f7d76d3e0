#pragma once
// Bytes of LibTorch CPU tensor memory in use, and the peak since a reset,
// counted by a thin allocator installed in front of LibTorch's own CPU
// allocator. The Fisher collection measures one batch's working set with it,
// so that the memory budget covers the gradient store and the batch together.
#include <QtGlobal>

namespace qkov::cpuMemory {

// Installs the counting allocator once per process; false when LibTorch
// keeps another allocator (then the figures below stay 0).
bool install();
qint64 bytesInUse();
qint64 peakBytes();
// Sets the peak to the bytes in use now.
void resetPeak();

} // namespace qkov::cpuMemory
