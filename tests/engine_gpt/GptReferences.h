#pragma once
// Tiny random GPT-2 and GPT-NeoX checkpoints (HF tensor names and layouts,
// values rounded to float32 as the engine reads them) and forwards written out
// by hand from the layouts of METRIC.md section 3 and ARCHITECTURES.md, one
// head at a time. They share no code with the engine.
#include "model/ModelConfig.h"

#include <ATen/ATen.h>

#include <QString>
#include <map>

namespace qkov::test {

constexpr int kLayers = 2, kHeads = 4, kHeadDim = 4, kHidden = 16, kVocab = 32;
constexpr int kNeoxRotaryDim = 2; // rotary_pct 0.5 of head_dim 4

using Tensors = std::map<QString, at::Tensor>; // float64 values, exactly as stored

ModelConfig gpt2Config();
Tensors gpt2Tensors();
ModelConfig neoxConfig(bool parallel);
Tensors neoxTensors();

// One head of one layer: the intervention points as the attention core
// defines them (Interventions.h), each [B, T, d] or [B, T, T].
struct HeadPoints
{
    at::Tensor q, k, v; // q and k after rotary
    at::Tensor scores;  // scaled, not masked
    at::Tensor pattern, z;
};

// x [B, T, D] is the layer's attention input (after its LayerNorm), mask [B, T].
HeadPoints gpt2HeadByHand(const Tensors &t, int layer, int head, const at::Tensor &x, const at::Tensor &mask);
HeadPoints neoxHeadByHand(const Tensors &t, int layer, int head, const at::Tensor &x, const at::Tensor &mask);

// Logits [B, T, V] for ids [B, T] and mask [B, T] (right padding).
at::Tensor gpt2ByHand(const Tensors &t, const at::Tensor &ids, const at::Tensor &mask);
at::Tensor neoxByHand(const Tensors &t, const at::Tensor &ids, const at::Tensor &mask, bool parallel);

} // namespace qkov::test
