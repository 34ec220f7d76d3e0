#pragma once
// Small random LLaMA-family models built in memory for engine tests: their
// tensors come from a seeded LibTorch generator, so every run sees the same
// model, and a test can edit the tensors (e.g. duplicate KV heads) before
// building the engine.
#include "engine/TransformerModel.h"
#include "io/TensorStore.h"
#include "model/ModelLoader.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <map>

namespace qkov::test {

struct TinyLlamaSpec
{
    int layers = 2, heads = 4, kvHeads = 2, headDim = 4, hidden = 16, intermediate = 24, vocab = 32;
    bool qkvBias = false;
    QString modelType = QStringLiteral("llama");
    uint64_t seed = 7;
};

inline ModelConfig tinyConfig(const TinyLlamaSpec &s)
{
    ModelConfig c;
    c.modelType = s.modelType;
    c.numLayers = s.layers;
    c.numHeads = s.heads;
    c.numKvHeads = s.kvHeads;
    c.headDim = s.headDim;
    c.hiddenSize = s.hidden;
    c.intermediateSize = s.intermediate;
    c.vocabSize = s.vocab;
    c.maxPositions = 64;
    c.norm = NormKind::RMSNorm;
    c.normEps = 1e-5;
    c.activation = QStringLiteral("silu");
    c.rope.enabled = true;
    c.rope.theta = 10000.0;
    c.tieWordEmbeddings = false;
    return c;
}

// name -> float32 tensor, HF names and nn.Linear layout.
inline std::map<QString, at::Tensor> tinyTensors(const TinyLlamaSpec &s)
{
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(s.seed);
    auto rnd = [&](std::vector<int64_t> shape, double scale) {
        return at::randn(shape, gen, at::TensorOptions().dtype(at::kFloat)) * scale;
    };
    const int64_t D = s.hidden, q = int64_t(s.heads) * s.headDim, kv = int64_t(s.kvHeads) * s.headDim;
    std::map<QString, at::Tensor> t;
    t[QStringLiteral("model.embed_tokens.weight")] = rnd({s.vocab, D}, 1.0);
    t[QStringLiteral("model.norm.weight")] = 1.0 + rnd({D}, 0.1);
    t[QStringLiteral("lm_head.weight")] = rnd({s.vocab, D}, 0.3);
    for (int l = 0; l < s.layers; ++l) {
        const QString p = QStringLiteral("model.layers.%1.").arg(l);
        t[p + "input_layernorm.weight"] = 1.0 + rnd({D}, 0.1);
        t[p + "post_attention_layernorm.weight"] = 1.0 + rnd({D}, 0.1);
        t[p + "self_attn.q_proj.weight"] = rnd({q, D}, 0.4);
        t[p + "self_attn.k_proj.weight"] = rnd({kv, D}, 0.4);
        t[p + "self_attn.v_proj.weight"] = rnd({kv, D}, 0.4);
        t[p + "self_attn.o_proj.weight"] = rnd({D, q}, 0.3);
        if (s.qkvBias) {
            t[p + "self_attn.q_proj.bias"] = rnd({q}, 0.2);
            t[p + "self_attn.k_proj.bias"] = rnd({kv}, 0.2);
            t[p + "self_attn.v_proj.bias"] = rnd({kv}, 0.2);
        }
        t[p + "mlp.gate_proj.weight"] = rnd({s.intermediate, D}, 0.3);
        t[p + "mlp.up_proj.weight"] = rnd({s.intermediate, D}, 0.3);
        t[p + "mlp.down_proj.weight"] = rnd({D, s.intermediate}, 0.3);
    }
    return t;
}

inline LoadedModel loadedFrom(const ModelConfig &config, const std::map<QString, at::Tensor> &tensors)
{
    std::vector<std::pair<QString, std::pair<std::vector<int64_t>, std::vector<float>>>> list;
    for (const auto &[name, tensor] : tensors) {
        const at::Tensor f = tensor.to(at::kFloat).contiguous();
        std::vector<float> values(f.data_ptr<float>(), f.data_ptr<float>() + f.numel());
        list.push_back({name, {f.sizes().vec(), std::move(values)}});
    }
    LoadedModel m;
    m.path = QStringLiteral("tiny-llama");
    m.config = config;
    m.tensors = TensorStore::fromFloatTensors(m.path, std::move(list));
    return m;
}

inline std::unique_ptr<TransformerModel> tinyModel(const TinyLlamaSpec &s, at::ScalarType dtype = at::kDouble)
{
    EngineOptions o;
    o.dtype = dtype;
    return std::make_unique<TransformerModel>(loadedFrom(tinyConfig(s), tinyTensors(s)), o);
}

// A batch of random ids [B, T] with the given real lengths (right padding
// with id 0) and its mask.
inline std::pair<at::Tensor, at::Tensor> randomBatch(const std::vector<int64_t> &lengths, int64_t T,
                                                      int vocab, uint64_t seed)
{
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    const int64_t B = int64_t(lengths.size());
    at::Tensor ids = at::randint(1, vocab, {B, T}, gen, at::TensorOptions().dtype(at::kLong));
    at::Tensor mask = at::zeros({B, T}, at::TensorOptions().dtype(at::kLong));
    for (int64_t b = 0; b < B; ++b) {
        mask[b].narrow(0, 0, lengths[size_t(b)]).fill_(1);
        if (lengths[size_t(b)] < T)
            ids[b].narrow(0, lengths[size_t(b)], T - lengths[size_t(b)]).fill_(0);
    }
    return {ids, mask};
}

} // namespace qkov::test
