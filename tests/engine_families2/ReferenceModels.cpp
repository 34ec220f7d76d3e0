#include "ReferenceModels.h"

#include <cmath>
#include <limits>

namespace qkov::test {

namespace {


const at::Tensor &get(const TinyCheckpoint &c, const QString &name)
{
    auto it = c.tensors.find(name);
    if (it == c.tensors.end())
        qFatal("reference: no tensor %s", qPrintable(name));
    return it->second;
}

at::Tensor optionalTensor(const TinyCheckpoint &c, const QString &name)
{
    auto it = c.tensors.find(name);
    return it == c.tensors.end() ? at::Tensor() : it->second;
}

at::Tensor dense(const at::Tensor &x, const at::Tensor &w, const at::Tensor &b = {})
{
    at::Tensor y = at::mm(x, w.t());
    return b.defined() ? y + b : y;
}

// nn.LayerNorm: biased variance.
at::Tensor layerNormByHand(const at::Tensor &x, const at::Tensor &w, const at::Tensor &b, double eps)
{
    const at::Tensor mean = x.mean(-1, true);
    const at::Tensor var = (x - mean).pow(2).mean(-1, true);
    return (x - mean) / at::sqrt(var + eps) * w + b;
}

at::Tensor rmsNormByHand(const at::Tensor &x, const at::Tensor &w, double eps, bool plusOne)
{
    const at::Tensor normed = x / at::sqrt(x.pow(2).mean(-1, true) + eps);
    return normed * (plusOne ? w + 1.0 : w);
}

at::Tensor geluErf(const at::Tensor &x) { return 0.5 * x * (1.0 + at::erf(x / std::sqrt(2.0))); }
at::Tensor geluTanh(const at::Tensor &x)
{
    return 0.5 * x * (1.0 + at::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x)));
}
at::Tensor siluByHand(const at::Tensor &x) { return x / (1.0 + at::exp(-x)); }

double configEps(const TinyCheckpoint &c)
{
    for (const char *key : {"layer_norm_eps", "rms_norm_eps"})
        if (c.config.contains(QLatin1String(key)))
            return c.config.value(QLatin1String(key)).toDouble();
    qFatal("reference: no eps");
}

// Self-attention of one sample: every head through headByHand, then O.
at::Tensor attentionByHand(const TinyCheckpoint &c, const LayerAttention &a, const at::Tensor &x,
                           const at::Tensor &keyMask)
{
    at::Tensor out = at::zeros({x.size(0), a.wo.size(0)}, x.options());
    for (int h = 0; h < c.heads; ++h) {
        const at::Tensor z = headByHand(c, a, x, keyMask, h)[4];
        out = out + at::mm(z, a.wo.narrow(1, int64_t(h) * c.headDim, c.headDim).t());
    }
    return a.bo.defined() ? out + a.bo : out;
}

at::Tensor bertSample(const TinyCheckpoint &c, const at::Tensor &ids, const at::Tensor &mask)
{
    const bool roberta = c.family == QLatin1String("roberta");
    const double eps = configEps(c);
    const QString e = c.prefix + "embeddings.";
    const int64_t T = ids.size(0);
    // modeling_roberta's create_position_ids_from_input_ids.
    at::Tensor positions = at::arange(T, at::TensorOptions().dtype(at::kLong));
    if (roberta) {
        const at::Tensor real = ids.ne(c.padId).to(at::kLong);
        positions = at::cumsum(real, 0) * real + c.padId;
    }
    auto norm = [&](const QString &base, const at::Tensor &x) {
        const bool old = c.tensors.count(base + ".gamma") > 0;
        return layerNormByHand(x, get(c, base + (old ? ".gamma" : ".weight")),
                               get(c, base + (old ? ".beta" : ".bias")), eps);
    };
    auto act = [&](const at::Tensor &x) {
        return c.config.value("hidden_act").toString() == QLatin1String("gelu") ? geluErf(x) : geluTanh(x);
    };
    at::Tensor h = get(c, e + "word_embeddings.weight").index_select(0, ids)
                   + get(c, e + "position_embeddings.weight").index_select(0, positions)
                   + get(c, e + "token_type_embeddings.weight")[0];
    h = norm(e + "LayerNorm", h);
    for (int l = 0; l < c.layers; ++l) {
        const QString p = c.prefix + QStringLiteral("encoder.layer.%1.").arg(l);
        h = norm(p + "attention.output.LayerNorm", attentionByHand(c, layerAttention(c, l), h, mask) + h);
        const at::Tensor inner = act(dense(h, get(c, p + "intermediate.dense.weight"), get(c, p + "intermediate.dense.bias")));
        h = norm(p + "output.LayerNorm", dense(inner, get(c, p + "output.dense.weight"), get(c, p + "output.dense.bias")) + h);
    }
    const at::Tensor words = get(c, e + "word_embeddings.weight");
    if (roberta) {
        const at::Tensor t = norm("lm_head.layer_norm", geluErf(dense(h, get(c, "lm_head.dense.weight"), get(c, "lm_head.dense.bias"))));
        return dense(t, words, get(c, "lm_head.bias"));
    }
    const QString head = QStringLiteral("cls.predictions.");
    const at::Tensor t = norm(head + "transform.LayerNorm",
                              act(dense(h, get(c, head + "transform.dense.weight"), get(c, head + "transform.dense.bias"))));
    return dense(t, words, get(c, head + "bias"));
}

at::Tensor phiSample(const TinyCheckpoint &c, const at::Tensor &ids, const at::Tensor &mask)
{
    const double eps = configEps(c);
    at::Tensor h = get(c, "model.embed_tokens.weight").index_select(0, ids);
    for (int l = 0; l < c.layers; ++l) {
        const QString p = QStringLiteral("model.layers.%1.").arg(l);
        const at::Tensor x = layerNormByHand(h, get(c, p + "input_layernorm.weight"), get(c, p + "input_layernorm.bias"), eps);
        const at::Tensor attended = attentionByHand(c, layerAttention(c, l), x, mask);
        const at::Tensor ff = dense(geluTanh(dense(x, get(c, p + "mlp.fc1.weight"), get(c, p + "mlp.fc1.bias"))),
                                    get(c, p + "mlp.fc2.weight"), get(c, p + "mlp.fc2.bias"));
        h = attended + ff + h;
    }
    h = layerNormByHand(h, get(c, "model.final_layernorm.weight"), get(c, "model.final_layernorm.bias"), eps);
    return dense(h, get(c, "lm_head.weight"), get(c, "lm_head.bias"));
}

// Phi-3 and Gemma: pre-RMSNorm blocks with a gated MLP.
at::Tensor gatedSample(const TinyCheckpoint &c, const at::Tensor &ids, const at::Tensor &mask)
{
    const bool gemma = c.family == QLatin1String("gemma");
    const double eps = configEps(c);
    const at::Tensor embed = get(c, "model.embed_tokens.weight");
    at::Tensor h = embed.index_select(0, ids);
    if (gemma)
        h = h * std::sqrt(double(c.hidden));
    const int64_t I = c.intermediate;
    for (int l = 0; l < c.layers; ++l) {
        const QString p = QStringLiteral("model.layers.%1.").arg(l);
        const at::Tensor x = rmsNormByHand(h, get(c, p + "input_layernorm.weight"), eps, gemma);
        h = h + attentionByHand(c, layerAttention(c, l), x, mask);
        const at::Tensor x2 = rmsNormByHand(h, get(c, p + "post_attention_layernorm.weight"), eps, gemma);
        at::Tensor gated;
        if (gemma) {
            gated = geluTanh(dense(x2, get(c, p + "mlp.gate_proj.weight"))) * dense(x2, get(c, p + "mlp.up_proj.weight"));
        } else {
            const at::Tensor gateUp = dense(x2, get(c, p + "mlp.gate_up_proj.weight"));
            gated = gateUp.narrow(1, I, I) * siluByHand(gateUp.narrow(1, 0, I));
        }
        h = h + dense(gated, get(c, p + "mlp.down_proj.weight"));
    }
    h = rmsNormByHand(h, get(c, "model.norm.weight"), eps, gemma);
    return dense(h, gemma ? embed : get(c, "lm_head.weight"));
}

} // namespace

LayerAttention layerAttention(const TinyCheckpoint &c, int layer)
{
    LayerAttention a;
    if (c.family == QLatin1String("bert") || c.family == QLatin1String("roberta")) {
        const QString p = c.prefix + QStringLiteral("encoder.layer.%1.attention.").arg(layer);
        a.wq = get(c, p + "self.query.weight"), a.bq = get(c, p + "self.query.bias");
        a.wk = get(c, p + "self.key.weight"), a.bk = get(c, p + "self.key.bias");
        a.wv = get(c, p + "self.value.weight"), a.bv = get(c, p + "self.value.bias");
        a.wo = get(c, p + "output.dense.weight"), a.bo = get(c, p + "output.dense.bias");
        return a;
    }
    const QString p = QStringLiteral("model.layers.%1.self_attn.").arg(layer);
    if (c.family == QLatin1String("phi3")) {
        const at::Tensor qkv = get(c, p + "qkv_proj.weight");
        const int64_t q = int64_t(c.heads) * c.headDim, kv = int64_t(c.kvHeads) * c.headDim;
        a.wq = qkv.narrow(0, 0, q);
        a.wk = qkv.narrow(0, q, kv);
        a.wv = qkv.narrow(0, q + kv, kv);
        a.wo = get(c, p + "o_proj.weight");
        return a;
    }
    const QString o = c.family == QLatin1String("phi") ? QStringLiteral("dense") : QStringLiteral("o_proj");
    a.wq = get(c, p + "q_proj.weight"), a.bq = optionalTensor(c, p + "q_proj.bias");
    a.wk = get(c, p + "k_proj.weight"), a.bk = optionalTensor(c, p + "k_proj.bias");
    a.wv = get(c, p + "v_proj.weight"), a.bv = optionalTensor(c, p + "v_proj.bias");
    a.wo = get(c, p + o + ".weight"), a.bo = optionalTensor(c, p + o + ".bias");
    return a;
}

at::Tensor rotateByHand(const at::Tensor &x, int rotaryDim, double theta)
{
    const int64_t T = x.size(0), half = rotaryDim / 2;
    at::Tensor out = x.clone();
    for (int64_t t = 0; t < T; ++t) {
        for (int64_t i = 0; i < half; ++i) {
            const double angle = double(t) * std::pow(theta, -2.0 * double(i) / rotaryDim);
            const at::Tensor a = x[t][i], b = x[t][i + half];
            out[t][i] = a * std::cos(angle) - b * std::sin(angle);
            out[t][i + half] = b * std::cos(angle) + a * std::sin(angle);
        }
    }
    return out;
}

std::vector<at::Tensor> headByHand(const TinyCheckpoint &c, const LayerAttention &a, const at::Tensor &x,
                                   const at::Tensor &keyMask, int head)
{
    const int64_t d = c.headDim, T = x.size(0);
    const int64_t kvHead = head / (c.heads / c.kvHeads);
    auto project = [&](const at::Tensor &w, const at::Tensor &b, int64_t which) {
        at::Tensor y = at::mm(x, w.narrow(0, which * d, d).t());
        return b.defined() ? y + b.narrow(0, which * d, d) : y;
    };
    at::Tensor q = project(a.wq, a.bq, head);
    at::Tensor k = project(a.wk, a.bk, kvHead);
    const at::Tensor v = project(a.wv, a.bv, kvHead);
    if (c.rotaryDim > 0) {
        q = rotateByHand(q, c.rotaryDim, c.theta);
        k = rotateByHand(k, c.rotaryDim, c.theta);
    }
    at::Tensor scores = at::mm(q, k.t()) / std::sqrt(double(d));
    for (int64_t i = 0; i < T; ++i)
        for (int64_t j = 0; j < T; ++j)
            if (keyMask[j].item<int64_t>() == 0 || (c.causal && j > i))
                scores[i][j] = -std::numeric_limits<double>::infinity();
    const at::Tensor pattern = at::softmax(scores, 1);
    return {q, k, v, pattern, at::mm(pattern, v)};
}

at::Tensor referenceLogits(const TinyCheckpoint &c, const at::Tensor &ids, const at::Tensor &mask)
{
    std::vector<at::Tensor> samples;
    for (int64_t b = 0; b < ids.size(0); ++b) {
        const at::Tensor id = ids[b].to(at::kLong), m = mask[b].to(at::kLong);
        if (c.family == QLatin1String("bert") || c.family == QLatin1String("roberta"))
            samples.push_back(bertSample(c, id, m));
        else if (c.family == QLatin1String("phi"))
            samples.push_back(phiSample(c, id, m));
        else
            samples.push_back(gatedSample(c, id, m));
    }
    return at::stack(samples, 0);
}

} // namespace qkov::test
