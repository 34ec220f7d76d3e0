#pragma once
// llama2.c checkpoints: the legacy v0 format (7 int32 header fields, then
// float32 tensors; a negative vocab size means a separate classifier) and
// the v1 format (magic "ak42", version 1). Imported into HF names and layout,
// with q/k rows permuted within each head so that HF rotate-half RoPE
// reproduces llama2.c's adjacent-pair RoPE: the result is bit-identical to
// the HF export of the same model.
#include "../io/TensorStore.h"
#include "ModelConfig.h"

#include <QString>
#include <memory>

namespace qkov {

struct Llama2cHeader
{
    int dim = 0, hiddenDim = 0, numLayers = 0, numHeads = 0, numKvHeads = 0, vocabSize = 0, seqLen = 0;
    bool sharedClassifier = true;
    int version = 0;          // 0 = legacy
    int64_t dataOffset = 0;   // where the tensors begin
};

struct Llama2cImport
{
    ModelConfig config;
    std::shared_ptr<TensorStore> tensors; // HF names, nn.Linear layout, float32
};

// Parses and validates the header against the file size (pure; fuzzable).
Llama2cHeader parseLlama2cHeader(const QByteArray &head, int64_t fileSize, const QString &path);
// Throws qkov::Error naming the file.
Llama2cImport importLlama2c(const QString &path);

} // namespace qkov
