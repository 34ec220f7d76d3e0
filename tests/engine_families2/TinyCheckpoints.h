#pragma once
// Tiny random checkpoints of the BERT, RoBERTa, Phi, Phi-3 and Gemma
// families: HF tensor names, config.json keys, non-zero biases, and tensors
// stored as F32, F16 and BF16 in turn. `tensors` holds every value exactly as
// stored (float64), which is what the independent references compute with.
#include "io/DType.h"

#include <ATen/ATen.h>

#include <QJsonObject>
#include <QString>

#include <map>

namespace qkov::test {

struct TinyCheckpoint
{
    QString family;            // "bert", "roberta", "phi", "phi3", "gemma"
    QJsonObject config;
    std::map<QString, at::Tensor> tensors; // float64, values as stored
    std::map<QString, DType> storage;
    QString prefix;            // of the base model's tensors ("bert.", "model.", ...)
    int layers = 2, heads = 4, kvHeads = 4, headDim = 4, hidden = 16, intermediate = 24, vocab = 40;
    int rotaryDim = 0;         // 0: no rotary (BERT)
    double theta = 10000.0;
    int padId = 0;             // id used for padding in test batches
    bool causal = true;
};

TinyCheckpoint tinyBert(bool roberta, uint64_t seed = 3);
TinyCheckpoint tinyPhi(uint64_t seed = 4);
TinyCheckpoint tinyPhi3(uint64_t seed = 5);
TinyCheckpoint tinyGemma(uint64_t seed = 6);
TinyCheckpoint tinyCheckpoint(const QString &family); // one of the above, default seed

// config.json + model.safetensors (tensors in their storage dtypes).
void writeCheckpoint(const QString &dir, const TinyCheckpoint &checkpoint);

// Sets a tensor (keeps its storage dtype, or F32 for a new name); the
// values are rounded to the storage dtype.
void setTensor(TinyCheckpoint &checkpoint, const QString &name, const at::Tensor &values);

} // namespace qkov::test
