#pragma once
// Straightforward float64 re-implementations of the five families, written
// from the HuggingFace modeling files (modeling_bert / roberta / phi / phi3 /
// gemma) with plain ATen ops, one sample and one head at a time. They share
// no code with the engine.
#include "TinyCheckpoints.h"

#include <ATen/ATen.h>

namespace qkov::test {

// One layer's Q/K/V/O projections in nn.Linear layout ([out, in]); biases
// are undefined when the family has none. Phi-3's fused rows are split here.
struct LayerAttention
{
    at::Tensor wq, bq, wk, bk, wv, bv, wo, bo;
};
LayerAttention layerAttention(const TinyCheckpoint &checkpoint, int layer);

// Rotate-half rotary embedding of x [T, d] at positions 0 .. T-1 over its
// first rotaryDim dims (dim i pairs with i + rotaryDim / 2).
at::Tensor rotateByHand(const at::Tensor &x, int rotaryDim, double theta);

// One head's attention inside one sample. x [T, D] is the layer's attention
// input, keyMask [T] (1 = real). Returns q, k, v [T, d] (after rotary),
// pattern [T, T] and z [T, d] in that order.
std::vector<at::Tensor> headByHand(const TinyCheckpoint &checkpoint, const LayerAttention &attention,
                                   const at::Tensor &x, const at::Tensor &keyMask, int head);

// Logits [B, T, V] (float64) for ids [B, T] and mask [B, T] (right padding).
at::Tensor referenceLogits(const TinyCheckpoint &checkpoint, const at::Tensor &ids, const at::Tensor &mask);

} // namespace qkov::test
