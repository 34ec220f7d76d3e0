// llama2.c checkpoints (core/model Llama2cCheckpoint): the legacy and v1
// headers against the file size, then the import of whatever tensors a
// header that passes describes.
#include "FuzzSupport.h"
#include "model/Llama2cCheckpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString path = qkov::fuzz::inputFile(QStringLiteral("model.bin"), data, size);
    qkov::fuzz::expectCleanFailure(path, [&] {
        qkov::parseLlama2cHeader(qkov::fuzz::inputBytes(data, size), int64_t(size), path);
    });
    qkov::fuzz::expectCleanFailure(path, [&] {
        const qkov::Llama2cImport model = qkov::importLlama2c(path);
        for (const QString &name : model.tensors->names())
            model.tensors->toFloat(name);
    });
    return 0;
}
