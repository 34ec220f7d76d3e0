#pragma once
// Opens what a user points at: a HuggingFace folder, a lone .safetensors
// file, or a llama2.c checkpoint .bin (+ tokenizer .bin). Everything is
// validated; errors are qkov::Error naming the file and the problem.
#include "../io/TensorStore.h"
#include "../structure/AttentionStructure.h"
#include "ModelConfig.h"

#include <QString>
#include <memory>
#include <optional>

namespace qkov {

enum class CheckpointKind { HuggingFaceFolder, SafeTensorsFile, Llama2c };

struct LoadedModel
{
    QString path;                    // what the user opened
    CheckpointKind kind = CheckpointKind::HuggingFaceFolder;
    std::optional<ModelConfig> config; // absent for a lone .safetensors file
    std::shared_ptr<TensorStore> tensors;
    ModelStructure structure;
    QString tokenizerPath;           // tokenizer.json or llama2.c tokenizer .bin, "" if none
    QString tokenizerConfigPath;     // tokenizer_config.json, "" if none
    int64_t parameterCount = 0;
    QString storageDtype;            // dtype of the attention weights as stored, e.g. "F32"
};

struct LoadOptions
{
    QString llama2cTokenizer;        // tokenizer .bin for llama2.c checkpoints ("" = look beside it)
};

// Throws qkov::Error. Never allocates what a hostile header claims.
LoadedModel loadModel(const QString &path, const LoadOptions &options = {});

} // namespace qkov
