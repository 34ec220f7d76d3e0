#pragma once
// Where and how wide the engine computes: one thread count drives both
// LibTorch's pools and OpenBLAS (Debian's LibTorch calls the system BLAS,
// whose OpenMP pool would otherwise size itself independently).
#include <QString>
#include <c10/core/Device.h>

namespace qkov {

struct ComputeSettings
{
    QString device = QStringLiteral("cpu"); // "cpu", "cuda", "cuda:0", ...
    int threads = 0;                        // 0 = every core this process may use

    // The thread count that apply() uses: `threads`, or when 0 the cores of
    // the process's CPU affinity (taskset, a container's cpuset), not every
    // core of the machine: more threads than cores slows GEMMs down.
    int effectiveThreads() const;
    // Parses `device`; throws qkov::Error("--device", ...) when it is not a
    // device name or the device is not available in this build.
    c10::Device parsedDevice() const;
    // Sets LibTorch's intra-op threads (every call), its inter-op threads
    // (only possible once per process, before any parallel work), OpenBLAS's
    // threads when OpenBLAS is loaded, and OMP_NUM_THREADS for libraries
    // that read it later. Throws qkov::Error for a bad device or count.
    void apply() const;
};

} // namespace qkov
