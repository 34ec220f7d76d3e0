// safetensors files (core/io): the whole file through SafeTensorsFile::open
// and TensorStore (length prefix, header JSON, dtypes, shapes, ranges), then
// every tensor converted to float32, which reads every byte a header claims.
#include "FuzzSupport.h"
#include "io/TensorStore.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString path = qkov::fuzz::inputFile(QStringLiteral("input.safetensors"), data, size);
    qkov::fuzz::expectCleanFailure(path, [&] {
        const auto store = qkov::TensorStore::openFile(path);
        for (const QString &name : store->names()) {
            const std::vector<float> values = store->toFloat(name);
            if (int64_t(values.size()) != store->meta(name).numel())
                std::abort();
        }
    });
    return 0;
}
