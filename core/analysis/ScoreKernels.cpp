#include "ScoreKernels.h"

#include <ATen/Parallel.h>
#include <c10/util/BFloat16.h>
#include <c10/util/Half.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#ifdef _OPENMP
#include <omp.h>
#endif

// The operand preparation is a short elementwise loop run once per gradient
// entry: it must be vectorized, which the project's -O2 does not do (GCC's
// "very cheap" cost model), and it may use the widest vectors of the CPU it
// runs on. Off for sanitizer builds, whose runtimes do not expect ifuncs.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__) \
    && !defined(__SANITIZE_THREAD__)
#define QKOV_VECTORIZED_LOOP __attribute__((optimize("O3"), target_clones("avx512f", "avx2", "default")))
#else
#define QKOV_VECTORIZED_LOOP
#endif

namespace qkov::detail {

namespace {

// One sample of an operand: its [rows, cols] matrix (columns contiguous).
struct SampleRef
{
    const void *data = nullptr;
    int64_t rowStride = 0; // elements
    at::ScalarType type = at::kFloat;
};

// The samples of `parts` in order. Parts whose columns are not contiguous
// are copied once (never the case for the gradient store's tensors).
std::vector<SampleRef> sampleRefs(const SampleParts &parts, std::vector<at::Tensor> &keepAlive)
{
    std::vector<SampleRef> refs;
    for (const at::Tensor &part : parts) {
        if (part.size(0) == 0)
            continue;
        const at::Tensor p = part.stride(2) == 1 || part.size(2) <= 1 ? part : part.contiguous();
        keepAlive.push_back(p);
        const auto *base = static_cast<const char *>(p.data_ptr());
        for (int64_t i = 0; i < p.size(0); ++i)
            refs.push_back({base + i * p.stride(0) * int64_t(p.element_size()), p.stride(1), p.scalar_type()});
    }
    return refs;
}

inline float widen(float v) { return v; }
inline double widen(double v) { return v; }
inline float widen(c10::Half v) { return float(v); }
// bfloat16 is the upper half of a float32: a shift the compiler vectorizes.
inline float widen(c10::BFloat16 v)
{
    const uint32_t bits = uint32_t(v.x) << 16;
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

// One contiguous run of entries: left = (g^2 or g) / I_reg, right = |g| or g.
template <typename S, typename T, bool Abs, bool WriteLeft, bool WriteRight>
QKOV_VECTORIZED_LOOP void prepareRun(const S *__restrict__ src, const T *__restrict__ inverse, T *__restrict__ left,
                                     T *__restrict__ right, int64_t count)
{
    for (int64_t c = 0; c < count; ++c) {
        const T v = T(widen(src[c]));
        if constexpr (WriteLeft)
            left[c] = (Abs ? v * v : v) * inverse[c];
        if constexpr (WriteRight)
            right[c] = Abs ? std::abs(v) : v;
    }
}

// One GEMM step's window of every head, in head-local coordinates: lines
// [lineFirst, +lineCount) of the head's headDim lines (rows of a row slice,
// columns of a column slice) by [otherFirst, +otherCount) along the other
// axis. Windows are chosen so that every run read is contiguous in memory.
struct Window
{
    bool rowsAxis = true;
    int64_t lineFirst = 0, lineCount = 0;
    int64_t otherFirst = 0, otherCount = 0;
    int64_t entries() const { return lineCount * otherCount; }
};

// The heads a thread prepares together: consecutive KV heads, their starts,
// and the distance between two heads' operands in the buffers.
struct HeadGroup
{
    const int64_t *starts = nullptr;
    int64_t count = 0;
    int64_t bufferStride = 0; // n * rowStride
};

// One sample's entries of every head of the group in one window, in the
// window's fixed order (row slices: (line, column); column slices: (row,
// line)). Column slices visit a row's heads in turn, so that neighbouring
// heads' runs are read as one stretch of memory. `left` and `right` point at
// the sample's row of head 0's operands.
template <typename S, typename T, bool Abs, bool WriteLeft, bool WriteRight>
void prepareGroupSample(const SampleRef &sample, const T *inverse, int64_t inverseCols, const HeadGroup &group,
                        const Window &w, T *left, T *right)
{
    const auto *src = static_cast<const S *>(sample.data);
    const auto run = [&](int64_t row, int64_t col, int64_t head, int64_t entry, int64_t count) {
        const int64_t offset = head * group.bufferStride + entry;
        prepareRun<S, T, Abs, WriteLeft, WriteRight>(src + row * sample.rowStride + col, inverse + row * inverseCols + col,
                                                     WriteLeft ? left + offset : nullptr,
                                                     WriteRight ? right + offset : nullptr, count);
    };
    if (w.rowsAxis) {
        for (int64_t h = 0; h < group.count; ++h) {
            for (int64_t e = 0; e < w.lineCount; ++e)
                run(group.starts[h] + w.lineFirst + e, w.otherFirst, h, e * w.otherCount, w.otherCount);
        }
    } else {
        for (int64_t r = 0; r < w.otherCount; ++r) {
            for (int64_t h = 0; h < group.count; ++h)
                run(w.otherFirst + r, group.starts[h] + w.lineFirst, h, r * w.lineCount, w.lineCount);
        }
    }
}

template <typename T, bool Abs, bool WriteLeft, bool WriteRight>
void prepareSample(const SampleRef &sample, const T *inverse, int64_t inverseCols, const HeadGroup &group,
                   const Window &w, T *left, T *right)
{
    switch (sample.type) {
    case at::kFloat:
        return prepareGroupSample<float, T, Abs, WriteLeft, WriteRight>(sample, inverse, inverseCols, group, w, left, right);
    case at::kDouble:
        return prepareGroupSample<double, T, Abs, WriteLeft, WriteRight>(sample, inverse, inverseCols, group, w, left, right);
    case at::kBFloat16:
        return prepareGroupSample<c10::BFloat16, T, Abs, WriteLeft, WriteRight>(sample, inverse, inverseCols, group, w,
                                                                               left, right);
    case at::kHalf:
        return prepareGroupSample<c10::Half, T, Abs, WriteLeft, WriteRight>(sample, inverse, inverseCols, group, w, left,
                                                                           right);
    default:
        TORCH_CHECK(false, "score kernel: unsupported gradient dtype ", sample.type);
    }
}

// The group's operands for one window, [group heads, n, entries] with rows
// `rowStride` apart; the samples split over the threads when `parallel`
// (else the caller runs groups in parallel).
template <typename T, bool Abs, bool WriteLeft, bool WriteRight>
void prepareGroup(const std::vector<SampleRef> &samples, const T *inverse, int64_t inverseCols, HeadGroup group,
                  const Window &window, int64_t rowStride, bool parallel, T *left, T *right)
{
    const int64_t entries = window.entries();
    group.bufferStride = int64_t(samples.size()) * rowStride;
    const auto prepare = [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i)
            prepareSample<T, Abs, WriteLeft, WriteRight>(samples[size_t(i)], inverse, inverseCols, group, window,
                                                         WriteLeft ? left + i * rowStride : nullptr,
                                                         WriteRight ? right + i * rowStride : nullptr);
    };
    const int64_t n = int64_t(samples.size());
    if (parallel)
        at::parallel_for(0, n, std::max<int64_t>(1, 4096 / std::max<int64_t>(1, entries * group.count)), prepare);
    else
        prepare(0, n);
}

// The GEMM steps of one head: windows whose operands (both, all samples) stay
// within chunkBytes, each read run contiguous. Row slices take whole lines
// (all columns) of each head while one fits, else parts of one line; column
// slices take the head's full width for a range of rows.
std::vector<Window> windowsOf(const BlockSlice &slice, int64_t rows, int64_t cols, int64_t bytesPerEntry,
                              int64_t chunkBytes)
{
    std::vector<Window> windows;
    const int64_t d = slice.headDim;
    const auto fit = [&](int64_t unitEntries, int64_t available) {
        return std::clamp<int64_t>(chunkBytes / std::max<int64_t>(1, unitEntries * bytesPerEntry), 1, available);
    };
    Window w;
    w.rowsAxis = slice.axis == Axis::Rows;
    if (w.rowsAxis && chunkBytes >= cols * bytesPerEntry) {
        const int64_t step = fit(cols, d);
        for (int64_t e = 0; e < d; e += step)
            windows.push_back({true, e, std::min(step, d - e), 0, cols});
    } else if (w.rowsAxis) {
        const int64_t step = fit(1, cols);
        for (int64_t e = 0; e < d; ++e) {
            for (int64_t c = 0; c < cols; c += step)
                windows.push_back({true, e, 1, c, std::min(step, cols - c)});
        }
    } else {
        const int64_t step = fit(d, rows);
        for (int64_t r = 0; r < rows; r += step)
            windows.push_back({false, 0, d, r, std::min(step, rows - r)});
    }
    return windows;
}

// Every GEMM of the kernel runs on one BLAS thread, inside the kernel's own
// threads: the sums are then the same for any thread count. (OpenBLAS called
// from a thread of a parallel region still splits its work for the region's
// thread count, and its split changes the rounding: measured on a 2-core
// AMD EPYC, 1 vs 2 threads differed in the last bits.)
class SingleThreadedBlas
{
public:
#ifdef _OPENMP
    SingleThreadedBlas() : m_previous(omp_get_max_threads()) { omp_set_num_threads(1); }
    ~SingleThreadedBlas() { omp_set_num_threads(m_previous); }

private:
    int m_previous;
#endif
};

// Result columns per GEMM: narrow enough to share a few heads' GEMMs among
// the threads, wide enough for full-speed BLAS kernels.
constexpr int64_t kColumnBlock = 256;

template <typename T, bool Abs>
at::Tensor kernelOf(const std::vector<SampleRef> &lefts, const std::vector<SampleRef> *rights,
                    const at::Tensor &inverseFisher, const BlockSlice &slice, int64_t chunkBytes)
{
    const int64_t heads = slice.heads;
    const int64_t nL = int64_t(lefts.size()), nR = rights ? int64_t(rights->size()) : nL;
    const int64_t rows = inverseFisher.size(0), cols = inverseFisher.size(1);
    const auto options = at::TensorOptions().dtype(c10::CppTypeToScalarType<T>::value);
    at::Tensor result = at::empty({heads, nL, nR}, options);
    if (nL == 0 || nR == 0 || rows == 0 || cols == 0)
        return result.zero_(); // sums over nothing

    // Bytes of one entry of one head in both operands.
    const std::vector<Window> windows = windowsOf(slice, rows, cols, (nL + nR) * int64_t(sizeof(T)), chunkBytes);
    int64_t maxEntries = 0;
    for (const Window &w : windows)
        maxEntries = std::max(maxEntries, w.entries());
    const T *inverse = inverseFisher.data_ptr<T>();
    // Operand rows one cache line longer than their entries: with a leading
    // dimension of a power of two (the usual window) OpenBLAS's packing runs
    // into cache-set conflicts and the GEMMs lose a sixth of their speed.
    const int64_t padding = 64 / int64_t(sizeof(T));
    // With a head per thread at least, each thread takes a group of
    // consecutive heads: it prepares windows of them into buffers of its own
    // and runs their GEMMs single-threaded (OpenBLAS inside a parallel
    // region). With fewer heads (MQA), the one group uses every
    // thread for the preparation and splits each GEMM by columns instead. The windows do not
    // depend on the grouping, so neither do the sums.
    const bool groupsInParallel = heads >= int64_t(at::get_num_threads());
    // Row slices keep each head's memory apart, so a thread prepares one
    // head at a time and its operands stay in its cache until the GEMM;
    // column slices interleave the heads along each row, so a thread prepares
    // all its heads together and reads whole stretches of each row.
    const int64_t jointHeads = slice.axis == Axis::Rows ? 1 : heads;
    const auto runGroup = [&](int64_t begin, int64_t end) {
        const int64_t joint = std::min(jointHeads, end - begin);
        at::Tensor leftBuffer = at::empty({joint * nL * (maxEntries + padding)}, options);
        at::Tensor rightBuffer = at::empty({joint * nR * (maxEntries + padding)}, options);
        T *left = leftBuffer.data_ptr<T>(), *right = rightBuffer.data_ptr<T>();
        const bool parallel = !groupsInParallel;
        for (int64_t groupBegin = begin; groupBegin < end; groupBegin += joint) {
            const HeadGroup group{slice.starts.data() + groupBegin, std::min(joint, end - groupBegin), 0};
            bool first = true;
            for (const Window &window : windows) {
                const int64_t entries = window.entries(), ld = entries + padding;
                if (rights) {
                    prepareGroup<T, Abs, true, false>(lefts, inverse, cols, group, window, ld, parallel, left, nullptr);
                    prepareGroup<T, Abs, false, true>(*rights, inverse, cols, group, window, ld, parallel, nullptr, right);
                } else {
                    prepareGroup<T, Abs, true, true>(lefts, inverse, cols, group, window, ld, parallel, left, right);
                }
                for (int64_t h = 0; h < group.count; ++h) {
                    at::Tensor out = result.select(0, groupBegin + h);
                    const at::Tensor l = leftBuffer.narrow(0, h * nL * ld, nL * ld).view({nL, ld}).narrow(1, 0, entries);
                    // [entries, nR] as a transposed view: the GEMM reads it in place.
                    const at::Tensor r =
                        rightBuffer.narrow(0, h * nR * ld, nR * ld).view({nR, ld}).narrow(1, 0, entries).t();
                    // Fixed blocks of result columns, each its own GEMM: the
                    // same blocks (so the same sums) for any thread count.
                    const auto gemm = [&](int64_t blockBegin, int64_t blockEnd) {
                        const SingleThreadedBlas single;
                        for (int64_t block = blockBegin; block < blockEnd; ++block) {
                            const int64_t begin = block * kColumnBlock, count = std::min(kColumnBlock, nR - begin);
                            at::Tensor o = out.narrow(1, begin, count);
                            const at::Tensor rr = r.narrow(1, begin, count);
                            if (first)
                                at::mm_out(o, l, rr);
                            else
                                o.addmm_(l, rr);
                        }
                    };
                    // Few heads (MQA): the threads share each GEMM's blocks.
                    const int64_t blocks = (nR + kColumnBlock - 1) / kColumnBlock;
                    if (groupsInParallel)
                        gemm(0, blocks);
                    else
                        at::parallel_for(0, blocks, 1, gemm);
                }
                first = false;
            }
        }
    };
    if (groupsInParallel)
        at::parallel_for(0, heads, 1, runGroup);
    else
        runGroup(0, heads);
    return result;
}

} // namespace

at::Tensor fusedKvKernel(const SampleParts &left, const SampleParts *right, const at::Tensor &inverseFisher,
                         const BlockSlice &slice, bool absVariant, int64_t chunkBytes)
{
    TORCH_CHECK(inverseFisher.dim() == 2 && inverseFisher.is_contiguous(), "score kernel: 1 / I_reg must be contiguous 2-D");
    std::vector<at::Tensor> keepAlive;
    const std::vector<SampleRef> lefts = sampleRefs(left, keepAlive);
    const std::vector<SampleRef> rights = right ? sampleRefs(*right, keepAlive) : std::vector<SampleRef>();
    const std::vector<SampleRef> *r = right ? &rights : nullptr;
    if (inverseFisher.scalar_type() == at::kDouble)
        return absVariant ? kernelOf<double, true>(lefts, r, inverseFisher, slice, chunkBytes)
                          : kernelOf<double, false>(lefts, r, inverseFisher, slice, chunkBytes);
    TORCH_CHECK(inverseFisher.scalar_type() == at::kFloat, "score kernel: 1 / I_reg must be float32 or float64");
    return absVariant ? kernelOf<float, true>(lefts, r, inverseFisher, slice, chunkBytes)
                      : kernelOf<float, false>(lefts, r, inverseFisher, slice, chunkBytes);
}

} // namespace qkov::detail
