#include "DemoNetwork.h"

#include "DemoTasks.h"
#include "Error.h"
#include "io/TensorStore.h"

#include <QJsonArray>
#include <QJsonValue>

#include <cmath>
#include <limits>

namespace qkov::demo {

QJsonObject DemoArchitecture::configJson() const
{
    return {{QStringLiteral("architectures"), QJsonArray{QStringLiteral("LlamaForCausalLM")}},
            {QStringLiteral("model_type"), QStringLiteral("llama")},
            {QStringLiteral("vocab_size"), vocabSize},
            {QStringLiteral("hidden_size"), hiddenSize},
            {QStringLiteral("intermediate_size"), intermediateSize},
            {QStringLiteral("num_hidden_layers"), layers},
            {QStringLiteral("num_attention_heads"), heads},
            {QStringLiteral("num_key_value_heads"), kvHeads},
            {QStringLiteral("head_dim"), headDim},
            {QStringLiteral("hidden_act"), QStringLiteral("silu")},
            {QStringLiteral("max_position_embeddings"), maxPositions},
            {QStringLiteral("rms_norm_eps"), normEps},
            {QStringLiteral("rope_theta"), ropeTheta},
            {QStringLiteral("rope_scaling"), QJsonValue::Null},
            {QStringLiteral("attention_bias"), false},
            {QStringLiteral("attention_dropout"), 0.0},
            {QStringLiteral("mlp_bias"), false},
            {QStringLiteral("tie_word_embeddings"), false},
            {QStringLiteral("initializer_range"), 0.02},
            {QStringLiteral("pretraining_tp"), 1},
            {QStringLiteral("bos_token_id"), kBosId},
            {QStringLiteral("eos_token_id"), kEosId},
            {QStringLiteral("torch_dtype"), QStringLiteral("float32")},
            {QStringLiteral("use_cache"), true}};
}

DemoNetwork::DemoNetwork(const DemoArchitecture &a, at::Generator generator) : m_arch(a)
{
    const auto opts = at::TensorOptions().dtype(at::kFloat);
    const int64_t D = a.hiddenSize, V = a.vocabSize, I = a.intermediateSize;
    const int64_t qOut = int64_t(a.heads) * a.headDim, kvOut = int64_t(a.kvHeads) * a.headDim;
    const double outStd = 0.02 / std::sqrt(2.0 * a.layers);
    auto normal = [&](std::vector<int64_t> shape, double std) {
        return at::normal(0.0, std, shape, generator, opts);
    };
    auto add = [&](const QString &name, at::Tensor &slot, at::Tensor value) {
        slot = value.set_requires_grad(true);
        m_parameters.emplace_back(name, slot);
    };
    add(QStringLiteral("model.embed_tokens.weight"), m_embed, normal({V, D}, 0.02));
    m_layers.resize(size_t(a.layers));
    for (int l = 0; l < a.layers; ++l) {
        Layer &L = m_layers[size_t(l)];
        const QString p = QStringLiteral("model.layers.%1.").arg(l);
        add(p + QStringLiteral("input_layernorm.weight"), L.inputNorm, at::ones({D}, opts));
        add(p + QStringLiteral("self_attn.q_proj.weight"), L.wq, normal({qOut, D}, 0.02));
        add(p + QStringLiteral("self_attn.k_proj.weight"), L.wk, normal({kvOut, D}, 0.02));
        add(p + QStringLiteral("self_attn.v_proj.weight"), L.wv, normal({kvOut, D}, 0.02));
        add(p + QStringLiteral("self_attn.o_proj.weight"), L.wo, normal({D, qOut}, outStd));
        add(p + QStringLiteral("post_attention_layernorm.weight"), L.postNorm, at::ones({D}, opts));
        add(p + QStringLiteral("mlp.gate_proj.weight"), L.gate, normal({I, D}, 0.02));
        add(p + QStringLiteral("mlp.up_proj.weight"), L.up, normal({I, D}, 0.02));
        add(p + QStringLiteral("mlp.down_proj.weight"), L.down, normal({D, I}, outStd));
    }
    add(QStringLiteral("model.norm.weight"), m_finalNorm, at::ones({D}, opts));
    add(QStringLiteral("lm_head.weight"), m_lmHead, normal({V, D}, 0.02));

    // Rotary tables as HuggingFace (and the engine) build them, in float32:
    // inv_freq_i = 1 / theta^(2i / d), angles duplicated over both halves.
    const int64_t d = a.headDim;
    const at::Tensor exponents = at::arange(0, d, 2, at::TensorOptions().dtype(at::kLong)).to(at::kFloat) / double(d);
    const at::Tensor inv = 1.0 / at::pow(at::scalar_tensor(a.ropeTheta, opts), exponents);
    const at::Tensor freqs = at::outer(at::arange(a.maxPositions, at::TensorOptions().dtype(at::kLong)).to(at::kFloat), inv);
    const at::Tensor angles = at::cat({freqs, freqs}, -1);
    m_cos = angles.cos();
    m_sin = angles.sin();
    const at::Tensor position = at::arange(a.maxPositions, at::TensorOptions().dtype(at::kLong));
    m_causal = position.unsqueeze(0).le(position.unsqueeze(1)); // [query, key]
}

at::Tensor DemoNetwork::rmsNorm(const at::Tensor &x, const at::Tensor &weight) const
{
    return weight * (x * at::rsqrt(x.pow(2).mean(-1, /*keepdim=*/true) + m_arch.normEps));
}

at::Tensor DemoNetwork::rotate(const at::Tensor &x) const
{
    const int64_t T = x.size(2), half = m_arch.headDim / 2;
    const at::Tensor rotatedHalf = at::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
    return x * m_cos.narrow(0, 0, T) + rotatedHalf * m_sin.narrow(0, 0, T);
}

at::Tensor DemoNetwork::forward(const at::Tensor &tokens) const
{
    const int64_t B = tokens.size(0), T = tokens.size(1);
    TORCH_CHECK(T <= m_arch.maxPositions, "sequence longer than the demo's positions");
    const int64_t H = m_arch.heads, Hkv = m_arch.kvHeads, d = m_arch.headDim;
    const double scaling = 1.0 / std::sqrt(double(d));
    const at::Tensor blocked = m_causal.narrow(0, 0, T).narrow(1, 0, T).logical_not();
    at::Tensor h = at::embedding(m_embed, tokens);
    for (const Layer &L : m_layers) {
        const at::Tensor x = rmsNorm(h, L.inputNorm);
        const at::Tensor q = rotate(at::matmul(x, L.wq.t()).view({B, T, H, d}).transpose(1, 2));
        // Query head h reads KV head h / (H / Hkv), as HuggingFace's repeat_kv.
        const at::Tensor k = rotate(at::matmul(x, L.wk.t()).view({B, T, Hkv, d}).transpose(1, 2))
                                 .repeat_interleave(H / Hkv, 1);
        const at::Tensor v = at::matmul(x, L.wv.t()).view({B, T, Hkv, d}).transpose(1, 2)
                                 .repeat_interleave(H / Hkv, 1);
        const at::Tensor scores = (at::matmul(q, k.transpose(-1, -2)) * scaling)
                                      .masked_fill(blocked, -std::numeric_limits<float>::infinity());
        const at::Tensor z = at::matmul(at::softmax(scores, -1), v).transpose(1, 2).reshape({B, T, H * d});
        h = h + at::matmul(z, L.wo.t());
        const at::Tensor x2 = rmsNorm(h, L.postNorm);
        h = h + at::matmul(at::silu(at::matmul(x2, L.gate.t())) * at::matmul(x2, L.up.t()), L.down.t());
    }
    return at::matmul(rmsNorm(h, m_finalNorm), m_lmHead.t());
}

void DemoNetwork::addTo(SafeTensorsWriter &writer) const
{
    for (const auto &[name, tensor] : m_parameters) {
        const at::Tensor t = tensor.detach().to(at::kFloat).contiguous();
        writer.add(name, DType::F32, t.sizes().vec(), t.data_ptr<float>());
    }
}

void DemoNetwork::loadFrom(const TensorStore &store)
{
    at::NoGradGuard noGrad;
    for (auto &[name, tensor] : m_parameters) {
        if (!store.contains(name) || store.meta(name).shape != tensor.sizes().vec())
            throw Error(store.origin(), QStringLiteral("the tensor \"%1\" is missing or has another shape.").arg(name));
        const std::vector<float> values = store.toFloat(name);
        tensor.copy_(at::from_blob(const_cast<float *>(values.data()), tensor.sizes(), at::TensorOptions().dtype(at::kFloat)));
    }
}

TokenBatchPair padBatch(const std::vector<std::vector<int>> &sequences)
{
    size_t width = 0;
    for (const auto &s : sequences)
        width = std::max(width, s.size());
    const int64_t B = int64_t(sequences.size()), T = int64_t(width);
    at::Tensor ids = at::zeros({B, T}, at::TensorOptions().dtype(at::kLong));
    at::Tensor mask = at::zeros({B, T}, at::TensorOptions().dtype(at::kLong));
    auto idsA = ids.accessor<int64_t, 2>();
    auto maskA = mask.accessor<int64_t, 2>();
    for (int64_t b = 0; b < B; ++b)
        for (size_t t = 0; t < sequences[size_t(b)].size(); ++t) {
            idsA[b][int64_t(t)] = sequences[size_t(b)][t];
            maskA[b][int64_t(t)] = 1;
        }
    return {ids, mask};
}

at::Tensor perSampleLoss(const at::Tensor &logits, const at::Tensor &ids, const at::Tensor &mask)
{
    const int64_t T = logits.size(1);
    const at::Tensor logp = at::log_softmax(logits.narrow(1, 0, T - 1), -1);
    const at::Tensor picked = logp.gather(-1, ids.narrow(1, 1, T - 1).unsqueeze(-1)).squeeze(-1);
    const at::Tensor real = mask.ne(0);
    const at::Tensor valid = real.narrow(1, 0, T - 1).logical_and(real.narrow(1, 1, T - 1)).to(at::kFloat);
    return -(picked * valid).sum(1) / valid.sum(1).clamp_min(1);
}

} // namespace qkov::demo
