#pragma once
// The models the freezing tests run on: tiny seeded LLaMA (grouped-query),
// GPT-2 (Conv1D) and GPT-NeoX (interleaved fused QKV) checkpoints with their
// detected attention structure, and the real stories260K.
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

inline LoadedModel tinyGpt2()
{
    constexpr int layers = 2, heads = 4, d = 4, D = heads * d, V = 32, P = 16, I = 4 * D;
    ModelConfig c;
    c.modelType = QStringLiteral("gpt2");
    c.numLayers = layers;
    c.numHeads = c.numKvHeads = heads;
    c.headDim = d;
    c.hiddenSize = D;
    c.vocabSize = V;
    c.maxPositions = P;
    c.normEps = 1e-5;
    c.activation = QStringLiteral("gelu_new");
    c.tieWordEmbeddings = true;
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(31);
    auto rnd = [&](std::vector<int64_t> shape, double scale) {
        return at::randn(shape, gen, at::TensorOptions().dtype(at::kFloat)) * scale;
    };
    std::map<QString, at::Tensor> t;
    t[QStringLiteral("wte.weight")] = rnd({V, D}, 1.0);
    t[QStringLiteral("wpe.weight")] = rnd({P, D}, 0.5);
    t[QStringLiteral("ln_f.weight")] = 1.0 + rnd({D}, 0.1);
    t[QStringLiteral("ln_f.bias")] = rnd({D}, 0.1);
    for (int l = 0; l < layers; ++l) {
        const QString p = QStringLiteral("h.%1.").arg(l);
        for (const char *ln : {"ln_1", "ln_2"}) {
            t[p + ln + ".weight"] = 1.0 + rnd({D}, 0.1);
            t[p + ln + ".bias"] = rnd({D}, 0.1);
        }
        t[p + "attn.c_attn.weight"] = rnd({D, 3 * D}, 0.5);
        t[p + "attn.c_attn.bias"] = rnd({3 * D}, 0.2);
        t[p + "attn.c_proj.weight"] = rnd({D, D}, 0.3);
        t[p + "attn.c_proj.bias"] = rnd({D}, 0.1);
        t[p + "mlp.c_fc.weight"] = rnd({D, I}, 0.3);
        t[p + "mlp.c_fc.bias"] = rnd({I}, 0.1);
        t[p + "mlp.c_proj.weight"] = rnd({I, D}, 0.3);
        t[p + "mlp.c_proj.bias"] = rnd({D}, 0.1);
    }
    LoadedModel m = loadedFrom(c, t);
    m.path = QStringLiteral("tiny-gpt2");
    return withStructure(m);
}

inline LoadedModel tinyNeox()
{
    constexpr int layers = 2, heads = 4, d = 4, D = heads * d, V = 32, I = 40;
    ModelConfig c;
    c.modelType = QStringLiteral("gpt_neox");
    c.numLayers = layers;
    c.numHeads = c.numKvHeads = heads;
    c.headDim = d;
    c.hiddenSize = D;
    c.intermediateSize = I;
    c.vocabSize = V;
    c.maxPositions = 16;
    c.normEps = 1e-5;
    c.activation = QStringLiteral("gelu");
    c.rope.enabled = true;
    c.rope.theta = 10000.0;
    c.rope.partialFactor = 0.5;
    c.parallelResidual = true;
    c.tieWordEmbeddings = false;
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(37);
    auto rnd = [&](std::vector<int64_t> shape, double scale) {
        return at::randn(shape, gen, at::TensorOptions().dtype(at::kFloat)) * scale;
    };
    std::map<QString, at::Tensor> t;
    t[QStringLiteral("gpt_neox.embed_in.weight")] = rnd({V, D}, 1.0);
    t[QStringLiteral("gpt_neox.final_layer_norm.weight")] = 1.0 + rnd({D}, 0.1);
    t[QStringLiteral("gpt_neox.final_layer_norm.bias")] = rnd({D}, 0.1);
    t[QStringLiteral("embed_out.weight")] = rnd({V, D}, 0.3);
    for (int l = 0; l < layers; ++l) {
        const QString p = QStringLiteral("gpt_neox.layers.%1.").arg(l);
        for (const char *ln : {"input_layernorm", "post_attention_layernorm"}) {
            t[p + ln + ".weight"] = 1.0 + rnd({D}, 0.1);
            t[p + ln + ".bias"] = rnd({D}, 0.1);
        }
        t[p + "attention.query_key_value.weight"] = rnd({3 * D, D}, 0.5);
        t[p + "attention.query_key_value.bias"] = rnd({3 * D}, 0.2);
        t[p + "attention.dense.weight"] = rnd({D, D}, 0.3);
        t[p + "attention.dense.bias"] = rnd({D}, 0.1);
        t[p + "mlp.dense_h_to_4h.weight"] = rnd({I, D}, 0.3);
        t[p + "mlp.dense_h_to_4h.bias"] = rnd({I}, 0.1);
        t[p + "mlp.dense_4h_to_h.weight"] = rnd({D, I}, 0.3);
        t[p + "mlp.dense_4h_to_h.bias"] = rnd({D}, 0.1);
    }
    LoadedModel m = loadedFrom(c, t);
    m.path = QStringLiteral("tiny-neox");
    return withStructure(m);
}

// Grouped-query LLaMA: 4 query heads share 2 KV heads.
inline LoadedModel tinyLlamaGqa()
{
    TinyLlamaSpec spec;
    spec.layers = 3;
    LoadedModel m = loadedFrom(tinyConfig(spec), tinyTensors(spec));
    return withStructure(m);
}

inline QString stories260KPath()
{
    return QStringLiteral(QKOV_SHARED_DIR) + QStringLiteral("/models/stories260K");
}

} // namespace qkov::test
