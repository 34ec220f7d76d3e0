#include "ModelConfigFamilies.h"
#include "Translate.h"

#include <QCoreApplication>

namespace qkov {

namespace {

QStringList keys(std::initializer_list<const char *> names)
{
    QStringList list;
    for (const char *name : names)
        list << QLatin1String(name);
    return list;
}

// Accepted anywhere a family has no table of its own.
FamilyTraits genericTraits()
{
    FamilyTraits t;
    t.layerKeys = keys({"num_hidden_layers", "n_layer", "num_layers", "n_layers"});
    t.headKeys = keys({"num_attention_heads", "n_head", "num_heads"});
    t.hiddenKeys = keys({"hidden_size", "n_embd", "d_model", "n_embed"});
    t.kvHeadKeys = keys({"num_key_value_heads", "num_kv_heads", "n_head_kv"});
    t.headDimKeys = keys({"head_dim"});
    t.intermediateKeys = keys({"intermediate_size", "n_inner", "ffn_dim", "d_ff", "ffn_hidden_size"});
    t.epsKeys = keys({"rms_norm_eps", "layer_norm_eps", "layer_norm_epsilon", "norm_eps"});
    t.activationKeys = keys({"hidden_act", "hidden_activation", "activation_function"});
    t.maxPositionKeys = keys({"max_position_embeddings", "n_positions", "seq_length", "n_ctx"});
    t.thetaKeys = keys({"rope_theta", "rotary_emb_base"});
    t.partialRotaryKeys = keys({"partial_rotary_factor", "rotary_pct"});
    t.attentionBiasKeys = keys({"attention_bias"});
    t.mlpBiasKeys = keys({"mlp_bias"});
    return t;
}

// LLaMA and the families that copied its config (LlamaConfig defaults).
FamilyTraits llamaLikeTraits(double eps)
{
    FamilyTraits t = genericTraits();
    t.layerKeys = keys({"num_hidden_layers"});
    t.headKeys = keys({"num_attention_heads"});
    t.hiddenKeys = keys({"hidden_size"});
    t.kvHeadKeys = keys({"num_key_value_heads"});
    t.intermediateKeys = keys({"intermediate_size"});
    t.epsKeys = keys({"rms_norm_eps"});
    t.activationKeys = keys({"hidden_act"});
    t.maxPositionKeys = keys({"max_position_embeddings"});
    t.thetaKeys = keys({"rope_theta"});
    t.partialRotaryKeys = keys({"partial_rotary_factor"});
    t.norm = NormKind::RMSNorm;
    t.eps = eps;
    t.activation = QStringLiteral("silu");
    t.tieDefault = false;
    t.rope = true;
    return t;
}

FamilyTraits encoderTraits(double eps)
{
    FamilyTraits t = genericTraits();
    t.layerKeys = keys({"num_hidden_layers"});
    t.headKeys = keys({"num_attention_heads"});
    t.hiddenKeys = keys({"hidden_size"});
    t.kvHeadKeys.clear();
    t.intermediateKeys = keys({"intermediate_size"});
    t.epsKeys = keys({"layer_norm_eps"});
    t.activationKeys = keys({"hidden_act"});
    t.maxPositionKeys = keys({"max_position_embeddings"});
    t.eps = eps;
    t.activation = QStringLiteral("gelu");
    t.attentionBias = true;
    t.attentionBiasKeys.clear();
    t.mlpBias = true;
    t.mlpBiasKeys.clear();
    t.isDecoder = false;
    return t;
}

QJsonObject clipTowerDefaults(int hidden, int intermediate, int layers, int heads)
{
    // CLIPTextConfig / CLIPVisionConfig defaults: HF omits them from the
    // nested towers when saving a config as a diff against the defaults.
    QJsonObject d;
    d.insert(QStringLiteral("hidden_size"), hidden);
    d.insert(QStringLiteral("intermediate_size"), intermediate);
    d.insert(QStringLiteral("num_hidden_layers"), layers);
    d.insert(QStringLiteral("num_attention_heads"), heads);
    d.insert(QStringLiteral("hidden_act"), QStringLiteral("quick_gelu"));
    d.insert(QStringLiteral("layer_norm_eps"), 1e-5);
    return d;
}

} // namespace

QString parsingFamily(const QString &modelType, const QStringList &architectures)
{
    if (!modelType.isEmpty())
        return modelType;
    // Longer prefixes first: "Qwen2" before "QWen", "Gemma2" before "Gemma".
    static const std::pair<const char *, const char *> byPrefix[] = {
        {"Llama", "llama"},     {"Mistral", "mistral"}, {"Mixtral", "mixtral"}, {"Qwen2", "qwen2"},
        {"QWen", "qwen"},       {"Gemma2", "gemma2"},   {"Gemma", "gemma"},     {"Phi3", "phi3"},
        {"Phi", "phi"},         {"GPTNeoX", "gpt_neox"}, {"GPT2", "gpt2"},       {"Falcon", "falcon"},
        {"RWForCausalLM", "falcon"}, {"OPT", "opt"},    {"Bloom", "bloom"},     {"Bert", "bert"},
        {"Roberta", "roberta"}, {"T5", "t5"},           {"ViT", "vit"},         {"CLIPModel", "clip"},
    };
    for (const QString &architecture : architectures) {
        for (const auto &[prefix, family] : byPrefix) {
            if (architecture.startsWith(QLatin1String(prefix)))
                return QLatin1String(family);
        }
    }
    return {};
}

FamilyTraits familyTraits(const QString &family)
{
    if (family == QLatin1String("llama") || family == QLatin1String("mistral"))
        return llamaLikeTraits(1e-6);
    if (family == QLatin1String("mixtral"))
        return llamaLikeTraits(1e-5);
    if (family == QLatin1String("qwen2")) {
        FamilyTraits t = llamaLikeTraits(1e-6);
        t.attentionBiasKeys.clear(); // Qwen2 always has q/k/v biases, never an o bias
        t.attentionBias = true;
        t.mlpBiasKeys.clear();
        return t;
    }
    if (family == QLatin1String("gemma") || family == QLatin1String("gemma2")) {
        FamilyTraits t = llamaLikeTraits(1e-6);
        t.norm = NormKind::RMSNormPlusOne;
        t.tieDefault = true;
        // Gemma's early configs say hidden_act "gelu" but HF runs the tanh GELU
        // unless hidden_activation says otherwise.
        t.activationKeys = keys({"hidden_activation"});
        t.activation = QStringLiteral("gelu_pytorch_tanh");
        t.mlpBiasKeys.clear();
        return t;
    }
    if (family == QLatin1String("phi3")) {
        FamilyTraits t = llamaLikeTraits(1e-5);
        t.attentionBiasKeys.clear();
        t.mlpBiasKeys.clear();
        return t;
    }
    if (family == QLatin1String("qwen")) { // Qwen 1 (trust_remote_code QWenConfig)
        FamilyTraits t = llamaLikeTraits(1e-6);
        t.layerKeys = keys({"num_hidden_layers", "n_layer"});
        t.headKeys = keys({"num_attention_heads", "n_head"});
        t.hiddenKeys = keys({"hidden_size", "n_embd"});
        t.kvHeadKeys.clear();
        t.headDimKeys = keys({"kv_channels"});
        t.intermediateKeys = keys({"intermediate_size", "ffn_hidden_size"});
        t.epsKeys = keys({"layer_norm_epsilon"});
        t.activationKeys.clear();
        t.maxPositionKeys = keys({"max_position_embeddings", "seq_length", "n_positions"});
        t.thetaKeys = keys({"rotary_emb_base"});
        t.partialRotaryKeys = keys({"rotary_pct"});
        t.attentionBiasKeys.clear();
        t.attentionBias = true; // c_attn always has a bias; c_proj never (see specifics)
        t.mlpBiasKeys.clear();
        return t;
    }
    if (family == QLatin1String("phi")) {
        FamilyTraits t = genericTraits();
        t.layerKeys = keys({"num_hidden_layers", "n_layer"});
        t.headKeys = keys({"num_attention_heads", "n_head"});
        t.hiddenKeys = keys({"hidden_size", "n_embd"});
        t.kvHeadKeys = keys({"num_key_value_heads"});
        t.intermediateKeys = keys({"intermediate_size", "n_inner"});
        t.epsKeys = keys({"layer_norm_eps", "layer_norm_epsilon"});
        t.activationKeys = keys({"hidden_act", "activation_function"});
        t.activation = QStringLiteral("gelu_new");
        t.thetaKeys = keys({"rope_theta"});
        t.partialRotaryKeys = keys({"partial_rotary_factor"});
        t.partialRotary = 0.5;
        t.rope = true;
        t.tieDefault = false;
        t.attentionBias = t.mlpBias = true;
        t.attentionBiasKeys.clear();
        t.mlpBiasKeys.clear();
        t.parallel = true; // one input_layernorm feeds attention and MLP
        return t;
    }
    if (family == QLatin1String("gpt2")) {
        FamilyTraits t = genericTraits();
        t.layerKeys = keys({"n_layer", "num_hidden_layers"});
        t.headKeys = keys({"n_head", "num_attention_heads"});
        t.hiddenKeys = keys({"n_embd", "hidden_size"});
        t.kvHeadKeys.clear();
        t.headDimKeys.clear();
        t.intermediateKeys = keys({"n_inner"});
        t.intermediateFactor = 4;
        t.epsKeys = keys({"layer_norm_epsilon"});
        t.activationKeys = keys({"activation_function"});
        t.activation = QStringLiteral("gelu_new");
        t.maxPositionKeys = keys({"n_positions", "max_position_embeddings", "n_ctx"});
        t.attentionBias = t.mlpBias = true;
        t.attentionBiasKeys.clear();
        t.mlpBiasKeys.clear();
        return t;
    }
    if (family == QLatin1String("gpt_neox")) {
        FamilyTraits t = genericTraits();
        t.layerKeys = keys({"num_hidden_layers"});
        t.headKeys = keys({"num_attention_heads"});
        t.hiddenKeys = keys({"hidden_size"});
        t.kvHeadKeys.clear();
        t.headDimKeys.clear();
        t.intermediateKeys = keys({"intermediate_size"});
        t.intermediateFactor = 4;
        t.epsKeys = keys({"layer_norm_eps"});
        t.activationKeys = keys({"hidden_act"});
        t.activation = QStringLiteral("gelu");
        t.maxPositionKeys = keys({"max_position_embeddings"});
        // Newer transformers spell them partial_rotary_factor / rope_theta.
        t.partialRotaryKeys = keys({"rotary_pct", "partial_rotary_factor"});
        t.partialRotary = 0.25;
        t.thetaKeys = keys({"rotary_emb_base", "rope_theta"});
        t.rope = true;
        t.parallelKeys = keys({"use_parallel_residual"});
        t.parallel = true;
        t.tieDefault = false;
        t.attentionBias = true;
        t.mlpBias = true;
        t.mlpBiasKeys.clear();
        return t;
    }
    if (family == QLatin1String("falcon") || family == QLatin1String("RefinedWeb")
        || family == QLatin1String("RefinedWebModel")) {
        FamilyTraits t = genericTraits();
        t.layerKeys = keys({"num_hidden_layers", "n_layer"});
        t.headKeys = keys({"num_attention_heads", "n_head"});
        t.hiddenKeys = keys({"hidden_size", "n_embed"});
        t.kvHeadKeys = keys({"num_kv_heads", "n_head_kv"});
        t.headDimKeys.clear();
        t.intermediateKeys = keys({"ffn_hidden_size"});
        t.intermediateFactor = 4;
        t.epsKeys = keys({"layer_norm_epsilon"});
        t.activationKeys = keys({"activation"});
        t.activation = QStringLiteral("gelu");
        t.maxPositionKeys = keys({"max_position_embeddings"});
        t.thetaKeys = keys({"rope_theta"});
        t.partialRotaryKeys.clear();
        t.rope = true; // unless alibi (see specifics)
        t.attentionBiasKeys = t.mlpBiasKeys = keys({"bias"});
        return t;
    }
    if (family == QLatin1String("opt")) {
        FamilyTraits t = genericTraits();
        t.layerKeys = keys({"num_hidden_layers"});
        t.headKeys = keys({"num_attention_heads"});
        t.hiddenKeys = keys({"hidden_size"});
        t.kvHeadKeys.clear();
        t.headDimKeys.clear();
        t.intermediateKeys = keys({"ffn_dim"});
        t.epsKeys.clear(); // OPT's LayerNorms use PyTorch's default eps
        t.activationKeys = keys({"activation_function"});
        t.activation = QStringLiteral("relu");
        t.maxPositionKeys = keys({"max_position_embeddings"});
        t.attentionBiasKeys = t.mlpBiasKeys = keys({"enable_bias"});
        t.attentionBias = t.mlpBias = true;
        return t;
    }
    if (family == QLatin1String("bloom")) {
        FamilyTraits t = genericTraits();
        t.layerKeys = keys({"n_layer", "num_hidden_layers"});
        t.headKeys = keys({"n_head", "num_attention_heads"});
        t.hiddenKeys = keys({"hidden_size", "n_embed"});
        t.kvHeadKeys.clear();
        t.headDimKeys.clear();
        t.intermediateKeys.clear();
        t.intermediateFactor = 4;
        t.epsKeys = keys({"layer_norm_epsilon"});
        t.activationKeys.clear();
        t.activation = QStringLiteral("gelu_pytorch_tanh"); // BloomGelu is the tanh approximation
        t.maxPositionKeys.clear();
        t.attentionBias = t.mlpBias = true;
        t.attentionBiasKeys.clear();
        t.mlpBiasKeys.clear();
        return t;
    }
    if (family == QLatin1String("bert") || family == QLatin1String("roberta")) {
        FamilyTraits t = encoderTraits(1e-12);
        t.preLayerNorm = false; // post-LN
        return t;
    }
    if (family == QLatin1String("vit")) {
        FamilyTraits t = encoderTraits(1e-12);
        t.attentionBiasKeys = keys({"qkv_bias"});
        t.maxPositionKeys.clear();
        return t;
    }
    if (family == QLatin1String("clip_text_model")) {
        FamilyTraits t = encoderTraits(1e-5);
        t.activation = QStringLiteral("quick_gelu");
        t.defaults = clipTowerDefaults(512, 2048, 12, 8);
        t.defaults.insert(QStringLiteral("vocab_size"), 49408);
        t.defaults.insert(QStringLiteral("max_position_embeddings"), 77);
        t.tieDefault = false;
        return t;
    }
    if (family == QLatin1String("clip_vision_model")) {
        FamilyTraits t = encoderTraits(1e-5);
        t.activation = QStringLiteral("quick_gelu");
        t.defaults = clipTowerDefaults(768, 3072, 12, 12);
        t.maxPositionKeys.clear();
        t.tieDefault = false;
        return t;
    }
    if (family == QLatin1String("t5")) {
        FamilyTraits t = genericTraits();
        t.layerKeys = keys({"num_layers"});
        t.headKeys = keys({"num_heads"});
        t.hiddenKeys = keys({"d_model"});
        t.kvHeadKeys.clear();
        t.headDimKeys = keys({"d_kv"});
        t.intermediateKeys = keys({"d_ff"});
        t.epsKeys = keys({"layer_norm_epsilon"});
        t.eps = 1e-6;
        t.activationKeys = keys({"feed_forward_proj"});
        t.activation = QStringLiteral("relu");
        t.maxPositionKeys.clear(); // relative position buckets
        t.attentionBiasKeys.clear();
        t.mlpBiasKeys.clear();
        t.norm = NormKind::RMSNorm; // T5LayerNorm scales without subtracting the mean
        return t;
    }
    // Unknown family: every common spelling; RoPE and norm inferred from keys.
    FamilyTraits t = genericTraits();
    t.unknownFamily = true;
    return t;
}

void applyFamilySpecifics(const QString &family, const ConfigReader &reader, ModelConfig &config)
{
    // The output projection has a bias exactly when q/k/v have one, except:
    if (family == QLatin1String("qwen2") || family == QLatin1String("qwen"))
        config.attentionOutputBias = false;
    if (family == QLatin1String("vit") || family.startsWith(QLatin1String("clip")))
        config.attentionOutputBias = true;

    if (family == QLatin1String("qwen")) {
        // QWenMLP's w1/w2 are intermediate_size / 2 wide (SwiGLU halves).
        if (config.intermediateSize > 0)
            config.intermediateSize /= 2;
    } else if (family == QLatin1String("phi")) {
        // Older Phi configs give the rotary width in dims instead of a factor.
        if (!reader.has({QStringLiteral("partial_rotary_factor")})) {
            if (const auto rotaryDim = reader.count({QStringLiteral("rotary_dim")}, 1 << 16)) {
                const int headDim = config.headDim > 0 ? config.headDim : config.hiddenSize / config.numHeads;
                if (*rotaryDim > headDim)
                    reader.fail(tr("rotary_dim (%1) exceeds the head dimension (%2)").arg(*rotaryDim).arg(headDim));
                config.rope.partialFactor = double(*rotaryDim) / headDim;
            }
        }
    } else if (family == QLatin1String("falcon") || family == QLatin1String("RefinedWeb")
               || family == QLatin1String("RefinedWebModel")) {
        config.alibi = reader.flag({QStringLiteral("alibi")}).value_or(false);
        config.rope.enabled = !config.alibi;
        // The 40B-style "RefinedWeb" checkpoints predate the flag and use the new layout.
        config.newDecoderArchitecture = reader.flag({QStringLiteral("new_decoder_architecture")})
                                            .value_or(family == QLatin1String("RefinedWeb"));
        config.multiQuery = reader.flag({QStringLiteral("multi_query")}).value_or(true);
        if (!config.newDecoderArchitecture && config.multiQuery)
            config.numKvHeads = 1;
        config.parallelResidual = config.newDecoderArchitecture
            || reader.flag({QStringLiteral("parallel_attn")}).value_or(true);
    } else if (family == QLatin1String("opt")) {
        config.preLayerNorm = reader.flag({QStringLiteral("do_layer_norm_before")}).value_or(true);
        const int projection = reader.count({QStringLiteral("word_embed_proj_dim")}, 1 << 20).value_or(config.hiddenSize);
        config.wordEmbedProjDim = projection == config.hiddenSize ? 0 : projection;
    } else if (family == QLatin1String("bloom")) {
        config.alibi = true;
    } else if (family == QLatin1String("t5")) {
        config.isEncoderDecoder = true;
        config.numDecoderLayers = reader.count({QStringLiteral("num_decoder_layers")}, 10000).value_or(config.numLayers);
    }
}

} // namespace qkov
