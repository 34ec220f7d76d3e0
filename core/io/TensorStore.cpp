#include "TensorStore.h"

#include "../Error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>

#include <cstring>
#include <map>

namespace qkov {

namespace {

int64_t product(const std::vector<int64_t> &shape)
{
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}


template <typename T>
void convert(const uchar *bytes, int64_t n, float *out)
{
    // The data area need not be aligned for T, so read through memcpy.
    for (int64_t i = 0; i < n; ++i) {
        T value;
        std::memcpy(&value, bytes + i * int64_t(sizeof(T)), sizeof(T));
        out[i] = static_cast<float>(value);
    }
}

// Index files are small (a name -> shard map); anything past this is hostile.
constexpr qint64 kMaxIndexBytes = 64ll << 20;

QJsonObject readIndexWeightMap(const QString &indexPath)
{
    QFile file(indexPath);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(indexPath, QStringLiteral("cannot be opened (%1)").arg(file.errorString()));
    if (file.size() > kMaxIndexBytes)
        throw Error(indexPath, QStringLiteral("is %1 bytes, too large for a shard index").arg(file.size()));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        throw Error(indexPath, QStringLiteral("is not valid JSON (%1 at byte %2)").arg(parseError.errorString()).arg(parseError.offset));
    if (!doc.isObject() || !doc.object().value(QLatin1String("weight_map")).isObject())
        throw Error(indexPath, QStringLiteral("has no \"weight_map\" object mapping tensor names to shard files"));
    const QJsonObject weightMap = doc.object().value(QLatin1String("weight_map")).toObject();
    if (weightMap.isEmpty())
        throw Error(indexPath, QStringLiteral("has an empty weight_map"));
    for (auto it = weightMap.begin(); it != weightMap.end(); ++it) {
        if (!it.value().isString())
            throw Error(indexPath, QStringLiteral("weight_map entry %1 must be a shard file name, but it is not a string").arg(quoted(it.key())));
        const QString shard = it.value().toString();
        // Shards live beside the index: refuse paths that could point elsewhere.
        if (shard.isEmpty() || QDir::isAbsolutePath(shard) || shard.split(QRegularExpression(QStringLiteral("[/\\\\]"))).contains(QStringLiteral("..")))
            throw Error(indexPath, QStringLiteral("weight_map entry %1 names shard %2, which is not a file beside the index")
                                       .arg(quoted(it.key()), quoted(shard)));
    }
    return weightMap;
}

bool looksLikePickle(const QString &fileName)
{
    static const QStringList suffixes = {QStringLiteral(".pt"), QStringLiteral(".pth"), QStringLiteral(".ckpt")};
    if (fileName.startsWith(QLatin1String("pytorch_model")) && fileName.endsWith(QLatin1String(".bin")))
        return true;
    for (const QString &s : suffixes)
        if (fileName.endsWith(s))
            return true;
    return false;
}

} // namespace

int64_t TensorMeta::numel() const { return product(shape); }
int64_t TensorView::numel() const { return product(shape); }

std::shared_ptr<TensorStore> TensorStore::openFile(const QString &path, const SafeTensorsLimits &limits)
{
    auto store = std::make_shared<TensorStore>();
    store->m_origin = path;
    store->m_files.push_back(SafeTensorsFile::open(path, limits));
    for (const TensorInfo &info : store->m_files.front()->tensors())
        store->m_entries.insert(info.name, Entry{0, info, {}});
    store->m_metadata = store->m_files.front()->metadata();
    return store;
}

std::shared_ptr<TensorStore> TensorStore::openFolder(const QString &dirPath, const SafeTensorsLimits &limits)
{
    const QDir dir(dirPath);
    if (!QFileInfo(dirPath).isDir())
        throw Error(dirPath, QStringLiteral("no such folder"));

    const QString indexPath = dir.filePath(QStringLiteral("model.safetensors.index.json"));
    if (QFileInfo::exists(indexPath)) {
        const QJsonObject weightMap = readIndexWeightMap(indexPath);
        auto store = std::make_shared<TensorStore>();
        store->m_origin = dirPath;
        std::map<QString, int> shardIndex; // shard name -> index into m_files (sorted, so order is stable)
        for (auto it = weightMap.begin(); it != weightMap.end(); ++it)
            shardIndex.emplace(it.value().toString(), -1);
        for (auto &[shard, index] : shardIndex) {
            const QString shardPath = dir.filePath(shard);
            if (!QFileInfo(shardPath).isFile())
                throw Error(indexPath, QStringLiteral("names shard %1, which does not exist in %2").arg(quoted(shard), dirPath));
            index = int(store->m_files.size());
            store->m_files.push_back(SafeTensorsFile::open(shardPath, limits));
        }
        for (auto it = weightMap.begin(); it != weightMap.end(); ++it) {
            const QString shard = it.value().toString();
            const int fileIndex = shardIndex.at(shard);
            const TensorInfo *info = store->m_files[size_t(fileIndex)]->find(it.key());
            if (!info)
                throw Error(indexPath, QStringLiteral("maps tensor %1 to shard %2, but that shard has no such tensor")
                                           .arg(quoted(it.key()), quoted(shard)));
            store->m_entries.insert(it.key(), Entry{fileIndex, *info, {}});
        }
        store->m_metadata = store->m_files.front()->metadata();
        return store;
    }

    const QString single = dir.filePath(QStringLiteral("model.safetensors"));
    if (QFileInfo::exists(single)) {
        auto store = openFile(single, limits);
        store->m_origin = dirPath;
        return store;
    }

    const QStringList found = dir.entryList({QStringLiteral("*.safetensors")}, QDir::Files | QDir::Readable, QDir::Name);
    if (found.isEmpty()) {
        for (const QString &name : dir.entryList(QDir::Files))
            if (looksLikePickle(name))
                throw Error(dirPath, QStringLiteral("no .safetensors file; pytorch_model.bin / *.pt pickles are not loaded because "
                                                    "unpickling can run arbitrary code: convert to safetensors"));
        throw Error(dirPath, QStringLiteral("no .safetensors file (and no model.safetensors.index.json) in this folder"));
    }
    auto store = std::make_shared<TensorStore>();
    store->m_origin = dirPath;
    for (const QString &name : found) {
        const int fileIndex = int(store->m_files.size());
        store->m_files.push_back(SafeTensorsFile::open(dir.filePath(name), limits));
        for (const TensorInfo &info : store->m_files.back()->tensors()) {
            const auto existing = store->m_entries.constFind(info.name);
            if (existing != store->m_entries.constEnd())
                throw Error(dirPath, QStringLiteral("tensor %1 is in both %2 and %3")
                                         .arg(quoted(info.name), QFileInfo(store->m_files[size_t(existing->file)]->path()).fileName(), name));
            store->m_entries.insert(info.name, Entry{fileIndex, info, {}});
        }
    }
    store->m_metadata = store->m_files.front()->metadata();
    return store;
}

std::shared_ptr<TensorStore> TensorStore::fromFloatTensors(
    const QString &origin, std::vector<std::pair<QString, std::pair<std::vector<int64_t>, std::vector<float>>>> tensors)
{
    auto store = std::make_shared<TensorStore>();
    store->m_origin = origin;
    for (auto &[name, tensor] : tensors) {
        auto &[shape, values] = tensor;
        if (product(shape) != int64_t(values.size()))
            throw Error(origin, QStringLiteral("tensor %1 has %2 values but shape needs %3").arg(quoted(name)).arg(values.size()).arg(product(shape)));
        Entry entry;
        entry.info.name = name;
        entry.info.dtype = DType::F32;
        entry.info.shape = shape;
        entry.info.end = uint64_t(values.size()) * sizeof(float);
        entry.memory = std::move(values);
        store->m_entries.insert(name, std::move(entry));
    }
    return store;
}

QStringList TensorStore::names() const
{
    QStringList list = m_entries.keys();
    list.sort();
    return list;
}

TensorMeta TensorStore::meta(const QString &name) const
{
    const auto it = m_entries.constFind(name);
    if (it == m_entries.constEnd())
        throw Error(m_origin, QStringLiteral("no tensor named %1").arg(quoted(name)));
    return TensorMeta{it->info.dtype, it->info.shape};
}

TensorView TensorStore::view(const QString &name) const
{
    const auto it = m_entries.constFind(name);
    if (it == m_entries.constEnd())
        throw Error(m_origin, QStringLiteral("no tensor named %1").arg(quoted(name)));
    TensorView v;
    v.name = name;
    v.dtype = it->info.dtype;
    v.shape = it->info.shape;
    v.bytes = it->file < 0 ? reinterpret_cast<const uchar *>(it->memory.data())
                           : m_files[size_t(it->file)]->data(it->info);
    return v;
}

std::vector<float> TensorStore::toFloat(const QString &name) const
{
    const TensorView v = view(name);
    const int64_t n = v.numel();
    std::vector<float> out(static_cast<size_t>(n));
    const uchar *b = v.bytes;
    switch (v.dtype) {
    case DType::F32: if (n > 0) std::memcpy(out.data(), b, size_t(n) * sizeof(float)); break;
    case DType::F64: convert<double>(b, n, out.data()); break;
    case DType::I64: convert<int64_t>(b, n, out.data()); break;
    case DType::I32: convert<int32_t>(b, n, out.data()); break;
    case DType::I16: convert<int16_t>(b, n, out.data()); break;
    case DType::I8: convert<int8_t>(b, n, out.data()); break;
    case DType::U8: convert<uint8_t>(b, n, out.data()); break;
    case DType::BOOL:
        for (int64_t i = 0; i < n; ++i)
            out[size_t(i)] = b[i] != 0 ? 1.0f : 0.0f;
        break;
    case DType::F16:
    case DType::BF16:
        for (int64_t i = 0; i < n; ++i) {
            uint16_t h;
            std::memcpy(&h, b + 2 * i, 2);
            out[size_t(i)] = v.dtype == DType::F16 ? halfToFloat(h) : bfloat16ToFloat(h);
        }
        break;
    }
    return out;
}

QStringList TensorStore::files() const
{
    QStringList list;
    for (const auto &f : m_files)
        list << f->path();
    return list;
}

} // namespace qkov
