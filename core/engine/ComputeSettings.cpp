#include "ComputeSettings.h"
#include "CpuMemoryMeter.h"

#include "Error.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <QThread>

#include <dlfcn.h>
#include <cstdlib>
#include <mutex>

namespace qkov {

namespace {
std::once_flag g_interopOnce;

// OpenBLAS is only reachable through the symbol table: LibTorch links it
// indirectly, and with another BLAS the symbol is simply absent.
void setOpenBlasThreads(int threads)
{
    using SetThreads = void (*)(int);
    if (auto fn = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
        fn(threads);
}
} // namespace

int ComputeSettings::effectiveThreads() const
{
    if (threads > 0)
        return threads;
    return std::max(1, QThread::idealThreadCount()); // honours sched_getaffinity
}

c10::Device ComputeSettings::parsedDevice() const
{
    const QString name = device.trimmed().toLower();
    c10::Device parsed(c10::DeviceType::CPU);
    try {
        parsed = c10::Device(name.toStdString());
    } catch (const std::exception &) {
        throw Error(QStringLiteral("--device"),
                    QStringLiteral("\"%1\" is not a device name (use \"cpu\" or \"cuda:N\").").arg(device));
    }
    if (parsed.is_cuda() && !at::hasCUDA())
        throw Error(QStringLiteral("--device"),
                    QStringLiteral("\"%1\" is not available: this build of LibTorch has no CUDA support or no GPU is present.").arg(device));
    if (!parsed.is_cpu() && !parsed.is_cuda())
        throw Error(QStringLiteral("--device"),
                    QStringLiteral("\"%1\" is not supported; use \"cpu\" or \"cuda:N\".").arg(device));
    return parsed;
}

void ComputeSettings::apply() const
{
    if (threads < 0)
        throw Error(QStringLiteral("--threads"),
                    QStringLiteral("the thread count must be 0 (all cores) or positive, not %1.").arg(threads));
    parsedDevice();
    const int n = effectiveThreads();
    // Libraries that initialise their OpenMP pool later read this.
    qputenv("OMP_NUM_THREADS", QByteArray::number(n));
    at::set_num_threads(n);
    std::call_once(g_interopOnce, [n] {
        try {
            at::set_num_interop_threads(n);
        } catch (const std::exception &) {
            // Already fixed by earlier inter-op work: keeping LibTorch's own
            // inter-op size is harmless, the intra-op count above is what
            // sizes the GEMMs.
        }
    });
    setOpenBlasThreads(n);
    // The CPU allocator that counts tensor bytes and reuses freed large
    // blocks (CpuMemoryMeter.h): every forward and backward gains from it.
    cpuMemory::install();
}

} // namespace qkov
