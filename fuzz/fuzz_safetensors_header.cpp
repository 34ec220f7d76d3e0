// The safetensors header parser alone (core/io SafeTensorsFile::parseHeader):
// the JSON after the 8-byte length, against a data area whose size the first
// two input bytes choose, so offsets both inside and past it are reached.
#include "FuzzSupport.h"
#include "io/SafeTensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const uint64_t dataSize = uint64_t(data[0]) | uint64_t(data[1]) << 8;
    const QString path = QStringLiteral("fuzz.safetensors");
    qkov::fuzz::expectCleanFailure(path, [&] {
        const auto header = qkov::SafeTensorsFile::parseHeader(qkov::fuzz::inputBytes(data + 2, size - 2), dataSize, path);
        for (const qkov::TensorInfo &t : header.tensors)
            if (t.end < t.begin || t.end > dataSize)
                std::abort(); // a range the validation should have refused
    });
    return 0;
}
