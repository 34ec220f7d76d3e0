#include "ModelLoader.h"

#include "../Error.h"
#include "../structure/ArchitectureFamily.h"
#include "Llama2cCheckpoint.h"
#include "Translate.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace qkov {

namespace {

int64_t countParameters(const TensorStore &store)
{
    int64_t total = 0;
    for (const QString &name : store.names())
        total += store.meta(name).numel();
    return total;
}

// The dtype the attention weights are stored in (first Q tensor), for the status bar.
QString attentionDtype(const TensorStore &store, const ModelStructure &structure)
{
    if (structure.layers.empty() || !store.contains(structure.layers.front().q.tensor))
        return {};
    return dtypeName(store.meta(structure.layers.front().q.tensor).dtype);
}

void finish(LoadedModel &model)
{
    model.parameterCount = countParameters(*model.tensors);
    model.storageDtype = attentionDtype(*model.tensors, model.structure);
}

LoadedModel loadFolder(const QString &dir)
{
    const QDir folder(dir);
    const QString configPath = folder.filePath(QStringLiteral("config.json"));
    if (folder.isEmpty())
        throw Error(dir, tr("the folder is empty; a model folder holds config.json and *.safetensors"));
    LoadedModel model;
    model.path = dir;
    model.kind = CheckpointKind::HuggingFaceFolder;
    // Weights first: a folder without usable weights is refused before its config matters.
    model.tensors = TensorStore::openFolder(dir);
    const TensorIndex index = TensorIndex::fromStore(*model.tensors);
    if (QFileInfo::exists(configPath))
        model.config = ModelConfig::fromFile(configPath);
    model.structure = detectStructure(model.config ? &*model.config : nullptr, index, dir);
    if (!model.config)
        model.structure.notes << tr("No config.json: structure detected from tensor names alone.");
    const QString tokenizer = folder.filePath(QStringLiteral("tokenizer.json"));
    if (QFileInfo::exists(tokenizer))
        model.tokenizerPath = tokenizer;
    const QString tokenizerConfig = folder.filePath(QStringLiteral("tokenizer_config.json"));
    if (QFileInfo::exists(tokenizerConfig))
        model.tokenizerConfigPath = tokenizerConfig;
    finish(model);
    return model;
}

LoadedModel loadSafeTensorsFile(const QString &path)
{
    LoadedModel model;
    model.path = path;
    model.kind = CheckpointKind::SafeTensorsFile;
    model.tensors = TensorStore::openFile(path);
    const TensorIndex index = TensorIndex::fromStore(*model.tensors);
    // A lone file may still sit in a HF folder: use its config if there is one.
    const QString configPath = QFileInfo(path).dir().filePath(QStringLiteral("config.json"));
    if (QFileInfo::exists(configPath))
        model.config = ModelConfig::fromFile(configPath);
    model.structure = detectStructure(model.config ? &*model.config : nullptr, index, path);
    finish(model);
    return model;
}

LoadedModel loadLlama2c(const QString &path, const LoadOptions &options)
{
    Llama2cImport imported = importLlama2c(path);
    LoadedModel model;
    model.path = path;
    model.kind = CheckpointKind::Llama2c;
    model.config = imported.config;
    model.tensors = imported.tensors;
    model.structure = detectStructure(&*model.config, TensorIndex::fromStore(*model.tensors), path);
    QString tokenizer = options.llama2cTokenizer;
    if (tokenizer.isEmpty()) {
        // llama2.c ships tokenizer.bin beside its checkpoints (tok512.bin for stories260K).
        const QDir dir = QFileInfo(path).dir();
        const QStringList candidates = dir.entryList({QStringLiteral("tok*.bin")}, QDir::Files, QDir::Name);
        if (!candidates.isEmpty())
            tokenizer = dir.filePath(candidates.front());
    } else if (!QFileInfo::exists(tokenizer)) {
        throw Error(tokenizer, tr("tokenizer file not found"));
    }
    model.tokenizerPath = tokenizer;
    finish(model);
    return model;
}

} // namespace

LoadedModel loadModel(const QString &path, const LoadOptions &options)
{
    const QFileInfo info(path);
    if (!info.exists())
        throw Error(path, tr("no such file or folder"));
    if (info.isDir())
        return loadFolder(info.absoluteFilePath());
    if (!info.isReadable())
        throw Error(path, tr("the file is not readable (permission denied)"));
    const QString suffix = info.suffix().toLower();
    if (suffix == QLatin1String("safetensors"))
        return loadSafeTensorsFile(info.absoluteFilePath());
    if (info.fileName() == QLatin1String("config.json") || info.fileName() == QLatin1String("model.safetensors.index.json"))
        return loadFolder(info.absolutePath());
    if (suffix == QLatin1String("bin") && info.fileName().startsWith(QLatin1String("pytorch_model")))
        throw Error(path, tr("PyTorch pickle checkpoints are not loaded: unpickling can run arbitrary code. "
                             "Convert the model to safetensors (e.g. save_pretrained(..., safe_serialization=True))."));
    if (suffix == QLatin1String("pt") || suffix == QLatin1String("pth") || suffix == QLatin1String("ckpt"))
        throw Error(path, tr("PyTorch pickle checkpoints are not loaded: unpickling can run arbitrary code. "
                             "Convert the model to safetensors."));
    if (suffix == QLatin1String("bin"))
        return loadLlama2c(info.absoluteFilePath(), options);
    throw Error(path, tr("unrecognised model file: open a HuggingFace folder, a .safetensors file or a llama2.c .bin checkpoint"));
}

} // namespace qkov
