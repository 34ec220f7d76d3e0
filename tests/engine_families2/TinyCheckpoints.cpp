#include "TinyCheckpoints.h"

#include "io/TensorStore.h"

#include <ATen/CPUGeneratorImpl.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace qkov::test {

namespace {

at::ScalarType torchType(DType t)
{
    switch (t) {
    case DType::F16: return at::kHalf;
    case DType::BF16: return at::kBFloat16;
    default: return at::kFloat;
    }
}

// Random tensors, stored as F32, F16 and BF16 in turn.
class TensorMaker
{
public:
    TensorMaker(TinyCheckpoint &checkpoint, uint64_t seed)
        : m_checkpoint(checkpoint), m_gen(at::make_generator<at::CPUGeneratorImpl>(seed))
    {
    }

    void add(const QString &name, std::vector<int64_t> shape, double scale, double offset = 0.0)
    {
        static const DType cycle[] = {DType::F32, DType::F16, DType::BF16};
        const DType storage = cycle[m_count++ % 3];
        m_checkpoint.storage[name] = storage;
        setTensor(m_checkpoint, name,
                  at::randn(shape, m_gen, at::TensorOptions().dtype(at::kDouble)) * scale + offset);
    }
    void norm(const QString &weight, const QString &bias, int64_t width)
    {
        add(weight, {width}, 0.1, 1.0);
        add(bias, {width}, 0.1);
    }

private:
    TinyCheckpoint &m_checkpoint;
    at::Generator m_gen;
    int m_count = 0;
};

QJsonObject commonConfig(const TinyCheckpoint &c, const char *modelType, const char *architecture)
{
    QJsonObject o;
    o.insert("model_type", modelType);
    o.insert("architectures", QJsonArray{architecture});
    o.insert("vocab_size", c.vocab);
    o.insert("hidden_size", c.hidden);
    o.insert("num_hidden_layers", c.layers);
    o.insert("num_attention_heads", c.heads);
    o.insert("intermediate_size", c.intermediate);
    o.insert("max_position_embeddings", 32);
    return o;
}

} // namespace

void setTensor(TinyCheckpoint &checkpoint, const QString &name, const at::Tensor &values)
{
    auto it = checkpoint.storage.find(name);
    const DType storage = it == checkpoint.storage.end() ? DType::F32 : it->second;
    checkpoint.storage[name] = storage;
    checkpoint.tensors[name] = values.to(torchType(storage)).to(at::kDouble).contiguous();
}

TinyCheckpoint tinyBert(bool roberta, uint64_t seed)
{
    TinyCheckpoint c;
    c.family = roberta ? QStringLiteral("roberta") : QStringLiteral("bert");
    c.prefix = roberta ? QStringLiteral("roberta.") : QStringLiteral("bert.");
    c.causal = false;
    c.padId = roberta ? 1 : 0;
    c.config = commonConfig(c, roberta ? "roberta" : "bert", roberta ? "RobertaForMaskedLM" : "BertForMaskedLM");
    c.config.insert("type_vocab_size", roberta ? 1 : 2);
    c.config.insert("layer_norm_eps", roberta ? 1e-5 : 1e-12);
    c.config.insert("pad_token_id", c.padId);
    // RoBERTa's encoder follows hidden_act; its LM head always uses the erf GELU.
    c.config.insert("hidden_act", roberta ? "gelu_new" : "gelu");
    TensorMaker make(c, seed);
    const int64_t D = c.hidden, I = c.intermediate, V = c.vocab;
    const QString e = c.prefix + "embeddings.";
    make.add(e + "word_embeddings.weight", {V, D}, 1.0);
    make.add(e + "position_embeddings.weight", {32, D}, 0.5);
    make.add(e + "token_type_embeddings.weight", {roberta ? 1 : 2, D}, 0.5);
    // Old BERT checkpoints name LayerNorm parameters gamma / beta.
    if (roberta)
        make.norm(e + "LayerNorm.weight", e + "LayerNorm.bias", D);
    else
        make.norm(e + "LayerNorm.gamma", e + "LayerNorm.beta", D);
    for (int l = 0; l < c.layers; ++l) {
        const QString p = c.prefix + QStringLiteral("encoder.layer.%1.").arg(l);
        for (const char *proj : {"attention.self.query", "attention.self.key", "attention.self.value",
                                 "attention.output.dense"}) {
            make.add(p + proj + ".weight", {D, D}, 0.4);
            make.add(p + proj + ".bias", {D}, 0.2);
        }
        make.norm(p + "attention.output.LayerNorm.weight", p + "attention.output.LayerNorm.bias", D);
        make.add(p + "intermediate.dense.weight", {I, D}, 0.3);
        make.add(p + "intermediate.dense.bias", {I}, 0.2);
        make.add(p + "output.dense.weight", {D, I}, 0.3);
        make.add(p + "output.dense.bias", {D}, 0.2);
        make.norm(p + "output.LayerNorm.weight", p + "output.LayerNorm.bias", D);
    }
    if (roberta) {
        make.add("lm_head.dense.weight", {D, D}, 0.4);
        make.add("lm_head.dense.bias", {D}, 0.2);
        make.norm("lm_head.layer_norm.weight", "lm_head.layer_norm.bias", D);
        make.add("lm_head.bias", {V}, 0.5);
        // Saved copies of the tied parameters, as in released RoBERTa files.
        setTensor(c, "lm_head.decoder.weight", c.tensors.at(e + "word_embeddings.weight"));
        setTensor(c, "lm_head.decoder.bias", c.tensors.at("lm_head.bias"));
    } else {
        make.add("cls.predictions.transform.dense.weight", {D, D}, 0.4);
        make.add("cls.predictions.transform.dense.bias", {D}, 0.2);
        make.norm("cls.predictions.transform.LayerNorm.gamma", "cls.predictions.transform.LayerNorm.beta", D);
        make.add("cls.predictions.bias", {V}, 0.5);
    }
    return c;
}

TinyCheckpoint tinyPhi(uint64_t seed)
{
    TinyCheckpoint c;
    c.family = QStringLiteral("phi");
    c.prefix = QStringLiteral("model.");
    c.hidden = 32, c.headDim = 8, c.intermediate = 40;
    c.rotaryDim = 4;
    c.config = commonConfig(c, "phi", "PhiForCausalLM");
    c.config.insert("num_key_value_heads", c.kvHeads);
    c.config.insert("partial_rotary_factor", 0.5);
    c.config.insert("rope_theta", c.theta);
    c.config.insert("layer_norm_eps", 1e-5);
    c.config.insert("hidden_act", "gelu_new");
    c.config.insert("tie_word_embeddings", false);
    TensorMaker make(c, seed);
    const int64_t D = c.hidden, I = c.intermediate, V = c.vocab;
    make.add("model.embed_tokens.weight", {V, D}, 1.0);
    for (int l = 0; l < c.layers; ++l) {
        const QString p = QStringLiteral("model.layers.%1.").arg(l);
        make.norm(p + "input_layernorm.weight", p + "input_layernorm.bias", D);
        for (const char *proj : {"q_proj", "k_proj", "v_proj", "dense"}) {
            make.add(p + "self_attn." + proj + ".weight", {D, D}, 0.3);
            make.add(p + "self_attn." + proj + ".bias", {D}, 0.2);
        }
        make.add(p + "mlp.fc1.weight", {I, D}, 0.3);
        make.add(p + "mlp.fc1.bias", {I}, 0.2);
        make.add(p + "mlp.fc2.weight", {D, I}, 0.3);
        make.add(p + "mlp.fc2.bias", {D}, 0.2);
    }
    make.norm("model.final_layernorm.weight", "model.final_layernorm.bias", D);
    make.add("lm_head.weight", {V, D}, 0.3);
    make.add("lm_head.bias", {V}, 0.3);
    return c;
}

TinyCheckpoint tinyPhi3(uint64_t seed)
{
    TinyCheckpoint c;
    c.family = QStringLiteral("phi3");
    c.prefix = QStringLiteral("model.");
    c.hidden = 32, c.kvHeads = 2, c.headDim = 8, c.intermediate = 40;
    c.rotaryDim = 8;
    c.config = commonConfig(c, "phi3", "Phi3ForCausalLM");
    c.config.insert("num_key_value_heads", c.kvHeads);
    c.config.insert("rope_theta", c.theta);
    c.config.insert("rms_norm_eps", 1e-5);
    c.config.insert("hidden_act", "silu");
    c.config.insert("sliding_window", 2047);
    c.config.insert("tie_word_embeddings", false);
    TensorMaker make(c, seed);
    const int64_t D = c.hidden, I = c.intermediate, V = c.vocab;
    const int64_t qkv = int64_t(c.heads + 2 * c.kvHeads) * c.headDim;
    make.add("model.embed_tokens.weight", {V, D}, 1.0);
    for (int l = 0; l < c.layers; ++l) {
        const QString p = QStringLiteral("model.layers.%1.").arg(l);
        make.add(p + "input_layernorm.weight", {D}, 0.1, 1.0);
        make.add(p + "post_attention_layernorm.weight", {D}, 0.1, 1.0);
        make.add(p + "self_attn.qkv_proj.weight", {qkv, D}, 0.3);
        make.add(p + "self_attn.o_proj.weight", {D, int64_t(c.heads) * c.headDim}, 0.3);
        make.add(p + "mlp.gate_up_proj.weight", {2 * I, D}, 0.3);
        make.add(p + "mlp.down_proj.weight", {D, I}, 0.3);
    }
    make.add("model.norm.weight", {D}, 0.1, 1.0);
    make.add("lm_head.weight", {V, D}, 0.3);
    return c;
}

TinyCheckpoint tinyGemma(uint64_t seed)
{
    TinyCheckpoint c;
    c.family = QStringLiteral("gemma");
    c.prefix = QStringLiteral("model.");
    // head_dim 8 although hidden / heads = 6.
    c.hidden = 24, c.kvHeads = 2, c.headDim = 8, c.intermediate = 40;
    c.rotaryDim = 8;
    c.config = commonConfig(c, "gemma", "GemmaForCausalLM");
    c.config.insert("num_key_value_heads", c.kvHeads);
    c.config.insert("head_dim", c.headDim);
    c.config.insert("rope_theta", c.theta);
    c.config.insert("rms_norm_eps", 1e-6);
    // Early Gemma configs say "gelu" here; HF runs hidden_activation.
    c.config.insert("hidden_act", "gelu");
    c.config.insert("hidden_activation", "gelu_pytorch_tanh");
    c.config.insert("attention_bias", true);
    TensorMaker make(c, seed);
    const int64_t D = c.hidden, I = c.intermediate, V = c.vocab;
    const int64_t q = int64_t(c.heads) * c.headDim, kv = int64_t(c.kvHeads) * c.headDim;
    make.add("model.embed_tokens.weight", {V, D}, 0.3);
    for (int l = 0; l < c.layers; ++l) {
        const QString p = QStringLiteral("model.layers.%1.").arg(l);
        // Gemma stores norm weights as offsets from 1.
        make.add(p + "input_layernorm.weight", {D}, 0.3);
        make.add(p + "post_attention_layernorm.weight", {D}, 0.3);
        make.add(p + "self_attn.q_proj.weight", {q, D}, 0.3);
        make.add(p + "self_attn.k_proj.weight", {kv, D}, 0.3);
        make.add(p + "self_attn.v_proj.weight", {kv, D}, 0.3);
        make.add(p + "self_attn.o_proj.weight", {D, q}, 0.3);
        make.add(p + "self_attn.q_proj.bias", {q}, 0.2);
        make.add(p + "self_attn.k_proj.bias", {kv}, 0.2);
        make.add(p + "self_attn.v_proj.bias", {kv}, 0.2);
        make.add(p + "self_attn.o_proj.bias", {D}, 0.2);
        make.add(p + "mlp.gate_proj.weight", {I, D}, 0.3);
        make.add(p + "mlp.up_proj.weight", {I, D}, 0.3);
        make.add(p + "mlp.down_proj.weight", {D, I}, 0.3);
    }
    make.add("model.norm.weight", {D}, 0.3);
    return c;
}

TinyCheckpoint tinyCheckpoint(const QString &family)
{
    if (family == QLatin1String("bert"))
        return tinyBert(false);
    if (family == QLatin1String("roberta"))
        return tinyBert(true);
    if (family == QLatin1String("phi"))
        return tinyPhi();
    if (family == QLatin1String("phi3"))
        return tinyPhi3();
    if (family == QLatin1String("gemma"))
        return tinyGemma();
    qFatal("unknown tiny family %s", qPrintable(family));
}

void writeCheckpoint(const QString &dir, const TinyCheckpoint &checkpoint)
{
    QDir().mkpath(dir);
    QFile config(QDir(dir).filePath(QStringLiteral("config.json")));
    if (!config.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(config.fileName()));
    config.write(QJsonDocument(checkpoint.config).toJson());
    config.close();
    SafeTensorsWriter writer;
    for (const auto &[name, values] : checkpoint.tensors) {
        const DType storage = checkpoint.storage.at(name);
        const at::Tensor stored = values.to(torchType(storage)).contiguous();
        writer.add(name, storage, stored.sizes().vec(), stored.data_ptr());
    }
    writer.write(QDir(dir).filePath(QStringLiteral("model.safetensors")));
}

} // namespace qkov::test
