// model.safetensors.index.json (core/io TensorStore::openFolder): the index
// beside two small real shards, so names that map to existing shards and
// tensors reach the cross-checks as well as the JSON checks.
#include "FuzzSupport.h"
#include "io/TensorStore.h"

namespace {

QString modelFolder()
{
    static const QString dir = [] {
        const QString path = qkov::fuzz::scratchPath(QStringLiteral("model"));
        QDir().mkpath(path);
        for (int shard = 1; shard <= 2; ++shard) {
            qkov::SafeTensorsWriter writer;
            writer.addFloat(QStringLiteral("layers.%1.weight").arg(shard - 1), {2, 2}, {1, 2, 3, 4});
            writer.addFloat(QStringLiteral("shared.bias"), {2}, {5, 6});
            writer.write(QDir(path).filePath(QStringLiteral("model-0000%1-of-00002.safetensors").arg(shard)));
        }
        return path;
    }();
    return dir;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString dir = modelFolder();
    qkov::fuzz::writeFile(QDir(dir).filePath(QStringLiteral("model.safetensors.index.json")),
                          reinterpret_cast<const char *>(data), qint64(size));
    qkov::fuzz::expectCleanFailure(dir, [&] {
        const auto store = qkov::TensorStore::openFolder(dir);
        for (const QString &name : store->names())
            store->toFloat(name);
    });
    return 0;
}
