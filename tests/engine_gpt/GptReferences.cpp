#include "GptReferences.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <vector>

namespace qkov::test {

namespace {

// The engine reads checkpoints as float32: the references use the same values.
Tensors roundedToFloat(Tensors t)
{
    for (auto &entry : t)
        entry.second = entry.second.to(at::kFloat).to(at::kDouble);
    return t;
}

at::Tensor rnd(at::Generator &gen, std::vector<int64_t> shape, double scale)
{
    return at::randn(shape, gen, at::TensorOptions().dtype(at::kDouble)) * scale;
}

at::Tensor layerNormByHand(const at::Tensor &x, const at::Tensor &w, const at::Tensor &b, double eps)
{
    const at::Tensor mean = x.mean(-1, true);
    const at::Tensor var = (x - mean).pow(2).mean(-1, true);
    return (x - mean) / at::sqrt(var + eps) * w + b;
}

at::Tensor causalSoftmax(const at::Tensor &scores, const at::Tensor &mask) // [B, T, T], [B, T]
{
    const int64_t T = scores.size(-1);
    const at::Tensor allowed = at::ones({T, T}, at::kBool).tril().unsqueeze(0).logical_and(mask.ne(0).unsqueeze(1));
    return at::softmax(scores.masked_fill(allowed.logical_not(), -INFINITY), -1);
}

// Rotary on dims [0, r) of x [B, T, d]: dim i pairs with i + r/2.
at::Tensor partialRotaryByHand(const at::Tensor &x, int r, double theta)
{
    const int64_t T = x.size(1), half = r / 2;
    at::Tensor out = x.clone();
    for (int64_t t = 0; t < T; ++t)
        for (int64_t i = 0; i < half; ++i) {
            const double angle = double(t) * std::pow(theta, -2.0 * double(i) / r);
            const at::Tensor a = x.select(1, t).select(-1, i), b = x.select(1, t).select(-1, i + half);
            out.select(1, t).select(-1, i).copy_(a * std::cos(angle) - b * std::sin(angle));
            out.select(1, t).select(-1, i + half).copy_(b * std::cos(angle) + a * std::sin(angle));
        }
    return out;
}

HeadPoints attendByHand(at::Tensor q, at::Tensor k, at::Tensor v, const at::Tensor &mask)
{
    HeadPoints p;
    p.q = std::move(q);
    p.k = std::move(k);
    p.v = std::move(v);
    p.scores = at::matmul(p.q, p.k.transpose(1, 2)) / std::sqrt(double(kHeadDim));
    p.pattern = causalSoftmax(p.scores, mask);
    p.z = at::matmul(p.pattern, p.v);
    return p;
}

} // namespace

// ---- GPT-2 ----

ModelConfig gpt2Config()
{
    ModelConfig c;
    c.modelType = QStringLiteral("gpt2");
    c.numLayers = kLayers;
    c.numHeads = c.numKvHeads = kHeads;
    c.headDim = kHeadDim;
    c.hiddenSize = kHidden;
    c.vocabSize = kVocab;
    c.maxPositions = 16;
    c.normEps = 1e-5;
    c.activation = QStringLiteral("gelu_new");
    c.tieWordEmbeddings = true;
    return c;
}

Tensors gpt2Tensors()
{
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(17);
    const int64_t D = kHidden, I = 4 * D;
    Tensors t;
    t["wte.weight"] = rnd(gen, {kVocab, D}, 1.0);
    t["wpe.weight"] = rnd(gen, {16, D}, 0.5);
    t["ln_f.weight"] = 1.0 + rnd(gen, {D}, 0.1);
    t["ln_f.bias"] = rnd(gen, {D}, 0.1);
    for (int l = 0; l < kLayers; ++l) {
        const QString p = QStringLiteral("h.%1.").arg(l);
        for (const char *ln : {"ln_1", "ln_2"}) {
            t[p + ln + ".weight"] = 1.0 + rnd(gen, {D}, 0.1);
            t[p + ln + ".bias"] = rnd(gen, {D}, 0.1);
        }
        t[p + "attn.c_attn.weight"] = rnd(gen, {D, 3 * D}, 0.4);
        t[p + "attn.c_attn.bias"] = rnd(gen, {3 * D}, 0.2);
        t[p + "attn.c_proj.weight"] = rnd(gen, {D, D}, 0.3);
        t[p + "attn.c_proj.bias"] = rnd(gen, {D}, 0.1);
        t[p + "mlp.c_fc.weight"] = rnd(gen, {D, I}, 0.3);
        t[p + "mlp.c_fc.bias"] = rnd(gen, {I}, 0.1);
        t[p + "mlp.c_proj.weight"] = rnd(gen, {I, D}, 0.3);
        t[p + "mlp.c_proj.bias"] = rnd(gen, {D}, 0.1);
    }
    return roundedToFloat(t);
}

HeadPoints gpt2HeadByHand(const Tensors &t, int layer, int head, const at::Tensor &x, const at::Tensor &mask)
{
    const QString p = QStringLiteral("h.%1.attn.").arg(layer);
    const int64_t D = kHidden, d = kHeadDim;
    // Conv1D: head h's Q/K/V are columns h*d.. of each D-wide block.
    auto cols = [&](int block) {
        return at::matmul(x, t.at(p + "c_attn.weight").narrow(1, block * D + head * d, d))
               + t.at(p + "c_attn.bias").narrow(0, block * D + head * d, d);
    };
    return attendByHand(cols(0), cols(1), cols(2), mask);
}

at::Tensor gpt2ByHand(const Tensors &t, const at::Tensor &ids, const at::Tensor &mask)
{
    const int64_t T = ids.size(1), D = kHidden;
    at::Tensor h = t.at("wte.weight").index_select(0, ids.flatten()).view({ids.size(0), T, D})
                   + t.at("wpe.weight").narrow(0, 0, T);
    auto W = [&](const QString &n) { return t.at(n); };
    for (int l = 0; l < kLayers; ++l) {
        const QString p = QStringLiteral("h.%1.").arg(l);
        const at::Tensor x = layerNormByHand(h, W(p + "ln_1.weight"), W(p + "ln_1.bias"), 1e-5);
        std::vector<at::Tensor> zs;
        for (int hd = 0; hd < kHeads; ++hd)
            zs.push_back(gpt2HeadByHand(t, l, hd, x, mask).z);
        h = h + at::matmul(at::cat(zs, -1), W(p + "attn.c_proj.weight")) + W(p + "attn.c_proj.bias");
        const at::Tensor x2 = layerNormByHand(h, W(p + "ln_2.weight"), W(p + "ln_2.bias"), 1e-5);
        const at::Tensor a = at::matmul(x2, W(p + "mlp.c_fc.weight")) + W(p + "mlp.c_fc.bias");
        const at::Tensor g = 0.5 * a * (1 + at::tanh(std::sqrt(2 / M_PI) * (a + 0.044715 * a * a * a)));
        h = h + at::matmul(g, W(p + "mlp.c_proj.weight")) + W(p + "mlp.c_proj.bias");
    }
    h = layerNormByHand(h, W("ln_f.weight"), W("ln_f.bias"), 1e-5);
    return at::matmul(h, W("wte.weight").t());
}

// ---- GPT-NeoX ----

ModelConfig neoxConfig(bool parallel)
{
    ModelConfig c = gpt2Config();
    c.modelType = QStringLiteral("gpt_neox");
    c.intermediateSize = 40;
    c.activation = QStringLiteral("gelu");
    c.rope.enabled = true;
    c.rope.theta = 10000.0;
    c.rope.partialFactor = double(kNeoxRotaryDim) / kHeadDim;
    c.parallelResidual = parallel;
    c.tieWordEmbeddings = false;
    return c;
}

Tensors neoxTensors()
{
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(23);
    const int64_t D = kHidden, I = 40;
    Tensors t;
    t["gpt_neox.embed_in.weight"] = rnd(gen, {kVocab, D}, 1.0);
    t["gpt_neox.final_layer_norm.weight"] = 1.0 + rnd(gen, {D}, 0.1);
    t["gpt_neox.final_layer_norm.bias"] = rnd(gen, {D}, 0.1);
    t["embed_out.weight"] = rnd(gen, {kVocab, D}, 0.3);
    for (int l = 0; l < kLayers; ++l) {
        const QString p = QStringLiteral("gpt_neox.layers.%1.").arg(l);
        for (const char *ln : {"input_layernorm", "post_attention_layernorm"}) {
            t[p + ln + ".weight"] = 1.0 + rnd(gen, {D}, 0.1);
            t[p + ln + ".bias"] = rnd(gen, {D}, 0.1);
        }
        t[p + "attention.query_key_value.weight"] = rnd(gen, {3 * D, D}, 0.4);
        t[p + "attention.query_key_value.bias"] = rnd(gen, {3 * D}, 0.2);
        t[p + "attention.dense.weight"] = rnd(gen, {D, D}, 0.3);
        t[p + "attention.dense.bias"] = rnd(gen, {D}, 0.1);
        t[p + "mlp.dense_h_to_4h.weight"] = rnd(gen, {I, D}, 0.3);
        t[p + "mlp.dense_h_to_4h.bias"] = rnd(gen, {I}, 0.1);
        t[p + "mlp.dense_4h_to_h.weight"] = rnd(gen, {D, I}, 0.3);
        t[p + "mlp.dense_4h_to_h.bias"] = rnd(gen, {D}, 0.1);
    }
    return roundedToFloat(t);
}

HeadPoints neoxHeadByHand(const Tensors &t, int layer, int head, const at::Tensor &x, const at::Tensor &mask)
{
    const QString p = QStringLiteral("gpt_neox.layers.%1.attention.query_key_value.").arg(layer);
    const int64_t d = kHeadDim;
    // Head h owns rows h*3d .. h*3d+3d: its q, then k, then v.
    auto rows = [&](int part) {
        const int64_t start = int64_t(head) * 3 * d + part * d;
        return at::matmul(x, t.at(p + "weight").narrow(0, start, d).t()) + t.at(p + "bias").narrow(0, start, d);
    };
    return attendByHand(partialRotaryByHand(rows(0), kNeoxRotaryDim, 10000.0),
                        partialRotaryByHand(rows(1), kNeoxRotaryDim, 10000.0), rows(2), mask);
}

at::Tensor neoxByHand(const Tensors &t, const at::Tensor &ids, const at::Tensor &mask, bool parallel)
{
    const int64_t T = ids.size(1), D = kHidden;
    auto W = [&](const QString &n) { return t.at(n); };
    at::Tensor h = W("gpt_neox.embed_in.weight").index_select(0, ids.flatten()).view({ids.size(0), T, D});
    for (int l = 0; l < kLayers; ++l) {
        const QString p = QStringLiteral("gpt_neox.layers.%1.").arg(l);
        const at::Tensor x = layerNormByHand(h, W(p + "input_layernorm.weight"), W(p + "input_layernorm.bias"), 1e-5);
        std::vector<at::Tensor> zs;
        for (int hd = 0; hd < kHeads; ++hd)
            zs.push_back(neoxHeadByHand(t, l, hd, x, mask).z);
        const at::Tensor attn = at::matmul(at::cat(zs, -1), W(p + "attention.dense.weight").t()) + W(p + "attention.dense.bias");
        auto mlp = [&](const at::Tensor &in) {
            const at::Tensor n = layerNormByHand(in, W(p + "post_attention_layernorm.weight"), W(p + "post_attention_layernorm.bias"), 1e-5);
            const at::Tensor a = at::matmul(n, W(p + "mlp.dense_h_to_4h.weight").t()) + W(p + "mlp.dense_h_to_4h.bias");
            const at::Tensor g = 0.5 * a * (1 + at::erf(a / std::sqrt(2.0)));
            return at::matmul(g, W(p + "mlp.dense_4h_to_h.weight").t()) + W(p + "mlp.dense_4h_to_h.bias");
        };
        h = parallel ? h + attn + mlp(h) : (h + attn) + mlp(h + attn);
    }
    h = layerNormByHand(h, W("gpt_neox.final_layer_norm.weight"), W("gpt_neox.final_layer_norm.bias"), 1e-5);
    return at::matmul(h, W("embed_out.weight").t());
}

} // namespace qkov::test
