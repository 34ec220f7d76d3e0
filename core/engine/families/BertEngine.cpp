// BERT and RoBERTa (also XLM-RoBERTa) masked language models, as
// HuggingFace's modeling_bert / modeling_roberta compute them: absolute
// position embeddings plus the token-type-0 row, post-LN encoder blocks with
// bidirectional attention over the real tokens (causal when is_decoder, as in
// BertLMHeadModel), and the MLM head (dense +
// activation + LayerNorm, then the decoder tied to the word embeddings with
// its own bias).
#include "../EngineFamily.h"
#include "../EngineOps.h"
#include "Error.h"

#include <cmath>

namespace qkov {

namespace {

struct NormWeights
{
    at::Tensor weight, bias;
};

struct BertLayer
{
    QString qName, kName, vName, oName;
    at::Tensor wq, wk, wv, wo, bq, bk, bv, bo;
    NormWeights attentionNorm, outputNorm;
    at::Tensor up, upBias, down, downBias;
};

// "<base>.weight/.bias", or the TensorFlow-era "<base>.gamma/.beta".
NormWeights requireNorm(WeightLoader &w, const QString &base, int64_t width)
{
    const QString gamma = base + QStringLiteral(".gamma");
    if (!w.contains(base + QStringLiteral(".weight")) && w.contains(gamma))
        return {w.require(gamma, {width}), w.require(base + QStringLiteral(".beta"), {width})};
    return {w.require(base + QStringLiteral(".weight"), {width}),
            w.require(base + QStringLiteral(".bias"), {width})};
}

class BertNetwork final : public EngineNetwork
{
public:
    BertNetwork(const ModelConfig &config, WeightLoader &weights);
    at::Tensor forward(const at::Tensor &tokens, const at::Tensor &keyMask,
                       ForwardPass &pass) const override;

private:
    at::Tensor positionIds(const at::Tensor &tokens, const at::Tensor &keyMask) const;

    int m_heads = 0, m_headDim = 0;
    double m_eps = 1e-12;
    double m_scaling = 1.0;
    bool m_causal = false; // is_decoder: BertLMHeadModel / RobertaForCausalLM
    bool m_robertaPositions = false;
    int64_t m_paddingIdx = 0;
    int64_t m_maxPositions = 0;
    Activation m_activation = Activation::GeluExact;     // encoder MLP
    Activation m_headActivation = Activation::GeluExact; // MLM head transform
    at::Tensor m_wordEmbed, m_positionEmbed, m_tokenType0;
    NormWeights m_embedNorm;
    std::vector<BertLayer> m_layers;
    at::Tensor m_headDense, m_headDenseBias, m_decoder, m_decoderBias;
    NormWeights m_headNorm;
};

BertNetwork::BertNetwork(const ModelConfig &c, WeightLoader &w)
    : m_heads(c.numHeads), m_headDim(c.headDim), m_eps(c.normEps),
      m_scaling(1.0 / std::sqrt(double(c.headDim))), m_causal(c.isDecoder)
{
    const QString where = w.where();
    if (c.intermediateSize <= 0)
        throw Error(where, QStringLiteral("intermediate_size is missing from the configuration."));
    if (c.maxPositions <= 0)
        throw Error(where, QStringLiteral("max_position_embeddings is missing from the configuration."));
    if (int64_t(c.numHeads) * c.headDim != c.hiddenSize || c.numKvHeads != c.numHeads)
        throw Error(where, QStringLiteral("BERT needs hidden_size = heads x head_dim and one key/value head per query head."));
    const QString positionType = c.raw.value(QStringLiteral("position_embedding_type")).toString(QStringLiteral("absolute"));
    if (positionType != QLatin1String("absolute"))
        throw Error(where, QStringLiteral("position_embedding_type \"%1\" is not supported by the engine (only \"absolute\").")
                               .arg(positionType));
    m_activation = parseActivation(c.activation.isEmpty() ? QStringLiteral("gelu") : c.activation, where);
    const bool roberta = c.modelType == QLatin1String("roberta") || c.modelType == QLatin1String("xlm-roberta");
    // RoBERTa numbers positions from padding_idx + 1 (fairseq's convention).
    m_robertaPositions = roberta;
    m_paddingIdx = roberta ? (c.padTokenId >= 0 ? c.padTokenId : 1) : 0;
    m_maxPositions = c.maxPositions;

    // Bare BertModel checkpoints have no prefix; the task models add one.
    QString prefix;
    for (const char *candidate : {"bert.", "roberta.", ""}) {
        if (w.contains(QLatin1String(candidate) + QStringLiteral("embeddings.word_embeddings.weight"))) {
            prefix = QLatin1String(candidate);
            break;
        }
    }
    const int64_t D = c.hiddenSize, V = c.vocabSize, I = c.intermediateSize;
    const QString e = prefix + QStringLiteral("embeddings.");
    m_wordEmbed = w.require(e + QStringLiteral("word_embeddings.weight"), {V, D});
    m_positionEmbed = w.require(e + QStringLiteral("position_embeddings.weight"), {c.maxPositions, D});
    const int typeVocab = c.raw.value(QStringLiteral("type_vocab_size")).toInt(roberta ? 1 : 2);
    if (typeVocab <= 0)
        throw Error(where, QStringLiteral("type_vocab_size must be positive."));
    // HF adds the token-type-0 row when no token types are given.
    m_tokenType0 = w.require(e + QStringLiteral("token_type_embeddings.weight"), {typeVocab, D})[0];
    m_embedNorm = requireNorm(w, e + QStringLiteral("LayerNorm"), D);

    for (int l = 0; l < c.numLayers; ++l) {
        const QString p = prefix + QStringLiteral("encoder.layer.%1.").arg(l);
        BertLayer L;
        L.qName = p + QStringLiteral("attention.self.query.weight");
        L.kName = p + QStringLiteral("attention.self.key.weight");
        L.vName = p + QStringLiteral("attention.self.value.weight");
        L.oName = p + QStringLiteral("attention.output.dense.weight");
        L.wq = w.require(L.qName, {D, D});
        L.wk = w.require(L.kName, {D, D});
        L.wv = w.require(L.vName, {D, D});
        L.wo = w.require(L.oName, {D, D});
        for (const QString &n : {L.qName, L.kName, L.vName, L.oName})
            w.markAttentionWeight(n);
        L.bq = w.require(p + QStringLiteral("attention.self.query.bias"), {D});
        L.bk = w.require(p + QStringLiteral("attention.self.key.bias"), {D});
        L.bv = w.require(p + QStringLiteral("attention.self.value.bias"), {D});
        L.bo = w.require(p + QStringLiteral("attention.output.dense.bias"), {D});
        L.attentionNorm = requireNorm(w, p + QStringLiteral("attention.output.LayerNorm"), D);
        L.up = w.require(p + QStringLiteral("intermediate.dense.weight"), {I, D});
        L.upBias = w.require(p + QStringLiteral("intermediate.dense.bias"), {I});
        L.down = w.require(p + QStringLiteral("output.dense.weight"), {D, I});
        L.downBias = w.require(p + QStringLiteral("output.dense.bias"), {D});
        L.outputNorm = requireNorm(w, p + QStringLiteral("output.LayerNorm"), D);
        m_layers.push_back(std::move(L));
    }

    // The MLM head: BERT's cls.predictions.* or RoBERTa's lm_head.*.
    QString head, dense, norm, bias, decoder;
    if (w.contains(QStringLiteral("lm_head.dense.weight"))) {
        head = QStringLiteral("lm_head.");
        dense = head + QStringLiteral("dense");
        norm = head + QStringLiteral("layer_norm");
        bias = head + QStringLiteral("bias");
        decoder = head + QStringLiteral("decoder");
        m_headActivation = Activation::GeluExact; // RobertaLMHead always uses the erf GELU
    } else if (w.contains(QStringLiteral("cls.predictions.transform.dense.weight"))) {
        head = QStringLiteral("cls.predictions.");
        dense = head + QStringLiteral("transform.dense");
        norm = head + QStringLiteral("transform.LayerNorm");
        bias = head + QStringLiteral("bias");
        decoder = head + QStringLiteral("decoder");
        m_headActivation = m_activation;
    } else {
        throw Error(where, QStringLiteral("the checkpoint has no masked-LM head (\"cls.predictions.*\" or \"lm_head.*\"), so the engine cannot compute logits."));
    }
    m_headDense = w.require(dense + QStringLiteral(".weight"), {D, D});
    m_headDenseBias = w.require(dense + QStringLiteral(".bias"), {D});
    m_headNorm = requireNorm(w, norm, D);
    // The decoder bias is one parameter saved under either name.
    m_decoderBias = w.optional(bias, {V});
    if (!m_decoderBias.defined())
        m_decoderBias = w.require(decoder + QStringLiteral(".bias"), {V});
    const QString decoderWeight = decoder + QStringLiteral(".weight");
    m_decoder = c.tieWordEmbeddings || !w.contains(decoderWeight) ? m_wordEmbed
                                                                  : w.require(decoderWeight, {V, D});
}

at::Tensor BertNetwork::positionIds(const at::Tensor &tokens, const at::Tensor &keyMask) const
{
    const int64_t T = tokens.size(1);
    at::Tensor ids;
    if (m_robertaPositions) {
        // Real tokens count up from padding_idx + 1; pads (by id, as HF
        // decides, or by the mask) sit at padding_idx.
        const at::Tensor real = tokens.ne(m_paddingIdx).logical_and(keyMask).to(at::kLong);
        ids = at::cumsum(real, 1) * real + m_paddingIdx;
    } else {
        ids = at::arange(T, tokens.options()).unsqueeze(0).expand_as(tokens);
    }
    const int64_t highest = ids.max().item<int64_t>();
    if (highest >= m_maxPositions)
        throw Error(QStringLiteral("tokens"), QStringLiteral("the sequence needs position %1, but the model has %2 position embeddings.")
                                                  .arg(highest).arg(m_maxPositions));
    return ids;
}

at::Tensor BertNetwork::forward(const at::Tensor &tokens, const at::Tensor &keyMask,
                                ForwardPass &pass) const
{
    const int64_t B = tokens.size(0), T = tokens.size(1);
    const AttentionMasking masking(keyMask, m_causal);
    auto heads = [&](const at::Tensor &y) { return y.view({B, T, m_heads, m_headDim}).transpose(1, 2); };

    at::Tensor h = at::embedding(m_wordEmbed, tokens) + at::embedding(m_positionEmbed, positionIds(tokens, keyMask))
                   + m_tokenType0;
    h = layerNorm(h, m_embedNorm.weight, m_embedNorm.bias, m_eps);
    for (size_t l = 0; l < m_layers.size(); ++l) {
        const BertLayer &L = m_layers[l];
        const int layer = int(l);
        const at::Tensor q = heads(pass.project(layer, "q", L.qName, h, L.wq, L.bq));
        const at::Tensor k = heads(pass.project(layer, "k", L.kName, h, L.wk, L.bk));
        const at::Tensor v = heads(pass.project(layer, "v", L.vName, h, L.wv, L.bv));
        const at::Tensor z = pass.attention().attend(layer, q, k, v, m_scaling, masking);
        const at::Tensor merged = z.transpose(1, 2).reshape({B, T, int64_t(m_heads) * m_headDim});
        const at::Tensor attended = pass.project(layer, "o", L.oName, merged, L.wo, L.bo);
        h = layerNorm(attended + h, L.attentionNorm.weight, L.attentionNorm.bias, m_eps);
        pass.cancelPoint();
        const at::Tensor inner = activate(linear(h, L.up, L.upBias), m_activation);
        pass.cancelPoint();
        h = layerNorm(linear(inner, L.down, L.downBias) + h, L.outputNorm.weight, L.outputNorm.bias, m_eps);
    }
    const at::Tensor transformed = layerNorm(activate(linear(h, m_headDense, m_headDenseBias), m_headActivation),
                                             m_headNorm.weight, m_headNorm.bias, m_eps);
    return pass.lmHead(transformed, m_decoder, m_decoderBias);
}

} // namespace

std::unique_ptr<EngineNetwork> buildBertNetwork(const ModelConfig &config, WeightLoader &weights)
{
    return std::make_unique<BertNetwork>(config, weights);
}

} // namespace qkov
