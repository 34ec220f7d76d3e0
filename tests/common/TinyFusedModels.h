#pragma once
// Tiny seeded GPT-2 (Conv1D, fused Q|K|V columns) and GPT-NeoX (interleaved
// fused QKV rows, partial rotary, parallel residual) checkpoints with their
// detected attention structure, so that block ranges come from the code the
// application uses. 2 layers, 4 heads of 4, width 16, vocabulary 32.
#include "TinyLlama.h"
#include "structure/ArchitectureFamily.h"
#include "structure/TensorIndex.h"

#include <QString>

namespace qkov::test {

inline LoadedModel withStructure(LoadedModel m)
{
    m.structure = detectStructure(&*m.config, TensorIndex::fromStore(*m.tensors), m.path);
    return m;
}

inline at::Tensor randomTensor(at::Generator &gen, std::vector<int64_t> shape, double scale)
{
    return at::randn(shape, gen, at::TensorOptions().dtype(at::kFloat)) * scale;
}

constexpr int kTinyLayers = 2, kTinyHeads = 4, kTinyHeadDim = 4, kTinyHidden = 16, kTinyVocab = 32;

// What the test suites vary: the positions the model takes and the scale of
// the fused attention weights (larger = sharper attention patterns).
struct TinyFusedSpec
{
    int positions = 32;
    double attentionScale = 0.4;
};

inline LoadedModel tinyGpt2(const TinyFusedSpec &spec)
{
    ModelConfig c;
    c.modelType = QStringLiteral("gpt2");
    c.numLayers = kTinyLayers;
    c.numHeads = c.numKvHeads = kTinyHeads;
    c.headDim = kTinyHeadDim;
    c.hiddenSize = kTinyHidden;
    c.vocabSize = kTinyVocab;
    c.maxPositions = spec.positions;
    c.normEps = 1e-5;
    c.activation = QStringLiteral("gelu_new");
    c.tieWordEmbeddings = true;
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(31);
    const int64_t D = kTinyHidden, I = 4 * D;
    std::map<QString, at::Tensor> t;
    t["wte.weight"] = randomTensor(gen, {kTinyVocab, D}, 1.0);
    t["wpe.weight"] = randomTensor(gen, {spec.positions, D}, 0.5);
    t["ln_f.weight"] = 1.0 + randomTensor(gen, {D}, 0.1);
    t["ln_f.bias"] = randomTensor(gen, {D}, 0.1);
    for (int l = 0; l < kTinyLayers; ++l) {
        const QString p = QStringLiteral("h.%1.").arg(l);
        for (const char *ln : {"ln_1", "ln_2"}) {
            t[p + ln + ".weight"] = 1.0 + randomTensor(gen, {D}, 0.1);
            t[p + ln + ".bias"] = randomTensor(gen, {D}, 0.1);
        }
        t[p + "attn.c_attn.weight"] = randomTensor(gen, {D, 3 * D}, spec.attentionScale);
        t[p + "attn.c_attn.bias"] = randomTensor(gen, {3 * D}, 0.2);
        t[p + "attn.c_proj.weight"] = randomTensor(gen, {D, D}, 0.3);
        t[p + "attn.c_proj.bias"] = randomTensor(gen, {D}, 0.1);
        t[p + "mlp.c_fc.weight"] = randomTensor(gen, {D, I}, 0.3);
        t[p + "mlp.c_fc.bias"] = randomTensor(gen, {I}, 0.1);
        t[p + "mlp.c_proj.weight"] = randomTensor(gen, {I, D}, 0.3);
        t[p + "mlp.c_proj.bias"] = randomTensor(gen, {D}, 0.1);
    }
    LoadedModel m = loadedFrom(c, t);
    m.path = QStringLiteral("tiny-gpt2");
    return withStructure(m);
}

inline LoadedModel tinyNeox(const TinyFusedSpec &spec)
{
    ModelConfig c;
    c.modelType = QStringLiteral("gpt_neox");
    c.numLayers = kTinyLayers;
    c.numHeads = c.numKvHeads = kTinyHeads;
    c.headDim = kTinyHeadDim;
    c.hiddenSize = kTinyHidden;
    c.intermediateSize = 40;
    c.vocabSize = kTinyVocab;
    c.maxPositions = spec.positions;
    c.normEps = 1e-5;
    c.activation = QStringLiteral("gelu");
    c.rope.enabled = true;
    c.rope.theta = 10000.0;
    c.rope.partialFactor = 0.5;
    c.parallelResidual = true;
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(37);
    const int64_t D = kTinyHidden, I = 40;
    std::map<QString, at::Tensor> t;
    t["gpt_neox.embed_in.weight"] = randomTensor(gen, {kTinyVocab, D}, 1.0);
    t["gpt_neox.final_layer_norm.weight"] = 1.0 + randomTensor(gen, {D}, 0.1);
    t["gpt_neox.final_layer_norm.bias"] = randomTensor(gen, {D}, 0.1);
    t["embed_out.weight"] = randomTensor(gen, {kTinyVocab, D}, 0.3);
    for (int l = 0; l < kTinyLayers; ++l) {
        const QString p = QStringLiteral("gpt_neox.layers.%1.").arg(l);
        for (const char *ln : {"input_layernorm", "post_attention_layernorm"}) {
            t[p + ln + ".weight"] = 1.0 + randomTensor(gen, {D}, 0.1);
            t[p + ln + ".bias"] = randomTensor(gen, {D}, 0.1);
        }
        t[p + "attention.query_key_value.weight"] = randomTensor(gen, {3 * D, D}, spec.attentionScale);
        t[p + "attention.query_key_value.bias"] = randomTensor(gen, {3 * D}, 0.2);
        t[p + "attention.dense.weight"] = randomTensor(gen, {D, D}, 0.3);
        t[p + "attention.dense.bias"] = randomTensor(gen, {D}, 0.1);
        t[p + "mlp.dense_h_to_4h.weight"] = randomTensor(gen, {I, D}, 0.3);
        t[p + "mlp.dense_h_to_4h.bias"] = randomTensor(gen, {I}, 0.1);
        t[p + "mlp.dense_4h_to_h.weight"] = randomTensor(gen, {D, I}, 0.3);
        t[p + "mlp.dense_4h_to_h.bias"] = randomTensor(gen, {D}, 0.1);
    }
    LoadedModel m = loadedFrom(c, t);
    m.path = QStringLiteral("tiny-neox");
    return withStructure(m);
}

} // namespace qkov::test
