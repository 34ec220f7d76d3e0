#include "TransformerModel.h"
#include "CpuMemoryMeter.h"

#include "EngineFamily.h"
#include "Error.h"
#include "io/TensorStore.h"

namespace qkov {

namespace {

QString shapeText(const std::vector<int64_t> &shape)
{
    QStringList parts;
    for (int64_t s : shape)
        parts << QString::number(s);
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

} // namespace

const std::vector<EngineFamilyEntry> &engineFamilies()
{
    static const std::vector<EngineFamilyEntry> families = {
        {QStringLiteral("llama"),
         {QStringLiteral("llama"), QStringLiteral("mistral"), QStringLiteral("qwen2")},
         &buildLlamaNetwork},
        {QStringLiteral("gpt2"), {QStringLiteral("gpt2")}, &buildGpt2Network},
        {QStringLiteral("gpt_neox"), {QStringLiteral("gpt_neox")}, &buildGptNeoxNetwork},
        {QStringLiteral("bert"),
         {QStringLiteral("bert"), QStringLiteral("roberta"), QStringLiteral("xlm-roberta")},
         &buildBertNetwork},
        {QStringLiteral("phi"), {QStringLiteral("phi")}, &buildPhiNetwork},
        {QStringLiteral("phi3"), {QStringLiteral("phi3")}, &buildPhi3Network},
        {QStringLiteral("gemma"), {QStringLiteral("gemma")}, &buildGemmaNetwork},
    };
    return families;
}

// ---- WeightLoader --------------------------------------------------------

WeightLoader::WeightLoader(const TensorStore &store, const QString &where,
                           const at::TensorOptions &options)
    : m_store(store), m_where(where), m_options(options)
{
}

bool WeightLoader::contains(const QString &name) const
{
    return m_store.contains(name);
}

at::Tensor WeightLoader::require(const QString &name, const std::vector<int64_t> &shape)
{
    if (!m_store.contains(name))
        throw Error(m_where, QStringLiteral("the tensor \"%1\" is missing.").arg(name));
    return optional(name, shape);
}

at::Tensor WeightLoader::optional(const QString &name, const std::vector<int64_t> &shape)
{
    if (!m_store.contains(name))
        return {};
    if (m_loaded.contains(name))
        return m_loaded.value(name);
    // The shape is checked before anything is read, so a file cannot make
    // the engine allocate more than the config describes.
    const TensorMeta meta = m_store.meta(name);
    if (meta.shape != shape)
        throw Error(m_where, QStringLiteral("the tensor \"%1\" has shape %2, expected %3.")
                                 .arg(name, shapeText(meta.shape), shapeText(shape)));
    std::vector<float> values = m_store.toFloat(name);
    const at::Tensor t = at::from_blob(values.data(), shape, at::TensorOptions().dtype(at::kFloat))
                             .to(m_options, /*non_blocking=*/false, /*copy=*/true);
    m_loaded.insert(name, t);
    return t;
}

// ---- ForwardPass ---------------------------------------------------------

ForwardPass::ForwardPass(const ForwardOptions &options, ForwardRecord *record, int numLayers)
    : m_captureProjections(options.captureProjections && record),
      m_cancelPoint(options.cancelPoint),
      m_record(record),
      m_core(&options.interventions, record ? &record->attention : nullptr)
{
    if (record) {
        record->attention.layers.assign(size_t(numLayers), {});
        record->projections.clear();
    }
}

at::Tensor ForwardPass::project(int layer, const char *block, const QString &weightName,
                                const at::Tensor &x, const at::Tensor &weight,
                                const at::Tensor &bias, bool conv1d)
{
    cancelPoint();
    at::Tensor y = conv1d ? at::matmul(x, weight) : at::matmul(x, weight.t());
    if (bias.defined())
        y = y + bias;
    if (m_captureProjections) {
        if (y.requires_grad())
            y.retain_grad();
        CapturedProjection p;
        p.layer = layer;
        p.block = QString::fromLatin1(block);
        p.weight = weightName;
        p.transposedStorage = conv1d;
        p.input = x.detach();
        p.output = y;
        m_record->projections.push_back(std::move(p));
    }
    return y;
}

at::Tensor ForwardPass::lmHead(const at::Tensor &h, const at::Tensor &weight, const at::Tensor &bias) const
{
    const int64_t V = weight.size(0), D = weight.size(1);
    const at::Tensor rows = h.reshape({-1, D});
    const std::vector<int64_t> shape{h.size(0), h.size(1), V};
    auto apply = [&](int64_t first, int64_t count) {
        const at::Tensor w = weight.narrow(0, first, count);
        return bias.defined() ? at::addmm(bias.narrow(0, first, count), rows, w.t()) : at::mm(rows, w.t());
    };
    // Chunks of the vocabulary (each reads the small activations again, never
    // the large weight) of about 2^30 multiply-adds: ~10 ms of GEMM.
    const int64_t perColumn = std::max<int64_t>(1, rows.size(0) * D);
    const int64_t chunk = std::max<int64_t>(256, ((int64_t(1) << 30) / perColumn) / 64 * 64);
    if (!m_cancelPoint || V <= chunk)
        return apply(0, V).view(shape);
    std::vector<at::Tensor> parts;
    for (int64_t first = 0; first < V; first += chunk) {
        cancelPoint();
        parts.push_back(apply(first, std::min(chunk, V - first)));
    }
    cancelPoint();
    return at::cat(parts, 1).view(shape);
}

at::Tensor CapturedProjection::perSampleWeightGradient() const
{
    const at::Tensor delta = output.defined() ? output.grad() : at::Tensor();
    if (!delta.defined())
        throw Error(weight, QStringLiteral("no gradient reached the projection output: make the attention weights require gradients and run backward first."));
    // [B, out, T] x [B, T, in]: one batched GEMM for every sample.
    const at::Tensor g = at::bmm(delta.transpose(1, 2), input.to(delta.scalar_type()));
    return transposedStorage ? g.transpose(1, 2) : g;
}

// ---- TransformerModel ----------------------------------------------------

TransformerModel::TransformerModel(const LoadedModel &model, const EngineOptions &options)
    : m_structure(model.structure), m_options(options), m_where(model.path)
{
    if (!model.config)
        throw Error(m_where, QStringLiteral("the engine needs the model's config.json to run it."));
    if (!model.tensors)
        throw Error(m_where, QStringLiteral("the checkpoint has no tensors."));
    if (options.dtype != at::kFloat && options.dtype != at::kDouble)
        throw Error(m_where, QStringLiteral("the engine computes in float32 or float64 only."));
    m_config = *model.config;
    const ModelConfig &c = m_config;
    if (c.numLayers <= 0 || c.numHeads <= 0 || c.numKvHeads <= 0 || c.headDim <= 0
        || c.hiddenSize <= 0 || c.vocabSize <= 0 || c.numHeads % c.numKvHeads != 0)
        throw Error(m_where, QStringLiteral("the configuration has inconsistent sizes (layers %1, heads %2, KV heads %3, head_dim %4, hidden %5, vocab %6).")
                                 .arg(c.numLayers).arg(c.numHeads).arg(c.numKvHeads).arg(c.headDim)
                                 .arg(c.hiddenSize).arg(c.vocabSize));
    const EngineFamilyEntry *entry = nullptr;
    for (const EngineFamilyEntry &f : engineFamilies())
        if (f.modelTypes.contains(c.modelType)) {
            entry = &f;
            break;
        }
    if (!entry)
        throw Error(m_where, QStringLiteral("the engine cannot run model type \"%1\" yet.")
                                 .arg(c.modelType.isEmpty() ? QStringLiteral("unknown") : c.modelType));
    m_family = entry->id;
    WeightLoader weights(*model.tensors, m_where,
                         at::TensorOptions().dtype(options.dtype).device(options.device));
    m_network = entry->build(m_config, weights);
    m_parameters = weights.loaded();
    m_attentionWeights = weights.attentionWeights();
    // What the build freed (conversions, the loader's copies) is no working
    // set to keep for reuse.
    cpuMemory::releaseCache();
}

TransformerModel::~TransformerModel() = default;

at::Tensor TransformerModel::parameter(const QString &checkpointName) const
{
    return m_parameters.value(checkpointName);
}

QStringList TransformerModel::parameterNames() const
{
    QStringList names = m_parameters.keys();
    names.sort();
    return names;
}

QStringList TransformerModel::attentionWeightNames() const
{
    return m_attentionWeights;
}

void TransformerModel::setAttentionRequiresGrad(bool requiresGrad)
{
    for (const QString &name : m_attentionWeights)
        m_parameters[name].requires_grad_(requiresGrad);
}

at::Tensor TransformerModel::forward(const at::Tensor &tokens, const at::Tensor &mask,
                                     const ForwardOptions &options, ForwardRecord *record) const
{
    const QString where = QStringLiteral("tokens");
    if (!tokens.defined() || tokens.dim() != 2 || tokens.size(0) == 0 || tokens.size(1) == 0)
        throw Error(where, QStringLiteral("token ids must be a non-empty [batch, length] tensor."));
    if (at::isFloatingType(tokens.scalar_type()) || tokens.scalar_type() == at::kBool)
        throw Error(where, QStringLiteral("token ids must be integers."));
    const at::Tensor ids = tokens.to(m_options.device, at::kLong);
    const int64_t lo = ids.min().item<int64_t>();
    const int64_t hi = ids.max().item<int64_t>();
    if (lo < 0 || hi >= m_config.vocabSize)
        throw Error(where, QStringLiteral("token id %1 is outside the vocabulary of %2 entries.")
                               .arg(lo < 0 ? lo : hi).arg(m_config.vocabSize));
    at::Tensor keyMask;
    if (mask.defined()) {
        if (mask.sizes() != tokens.sizes())
            throw Error(QStringLiteral("mask"), QStringLiteral("the attention mask must have the shape of the token ids."));
        keyMask = mask.to(m_options.device).ne(0);
    } else {
        keyMask = at::ones_like(ids, ids.options().dtype(at::kBool));
    }
    for (const HeadIntervention &iv : options.interventions.replacements)
        if (iv.layer < 0 || iv.layer >= m_config.numLayers)
            throw Error(QStringLiteral("intervention"), QStringLiteral("layer %1 does not exist (the model has %2).")
                                                          .arg(iv.layer).arg(m_config.numLayers));
    ForwardPass pass(options, record, m_config.numLayers);
    return m_network->forward(ids, keyMask, pass);
}

at::Tensor causalLmLossPerSample(const at::Tensor &logits, const at::Tensor &tokens,
                                 const at::Tensor &mask)
{
    const int64_t B = logits.size(0);
    const int64_t T = logits.size(1);
    if (T < 2)
        return at::zeros({B}, logits.options().dtype(at::promote_types(logits.scalar_type(), at::kFloat)));
    const at::ScalarType wide = at::promote_types(logits.scalar_type(), at::kFloat);
    const at::Tensor logp = at::log_softmax(logits.narrow(1, 0, T - 1).to(wide), -1);
    const at::Tensor targets = tokens.to(logits.device(), at::kLong).narrow(1, 1, T - 1);
    const at::Tensor picked = logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1); // [B, T-1]
    at::Tensor valid = at::ones_like(picked);
    if (mask.defined()) {
        const at::Tensor real = mask.to(logits.device()).ne(0);
        valid = real.narrow(1, 0, T - 1).logical_and(real.narrow(1, 1, T - 1)).to(wide);
    }
    const at::Tensor count = valid.sum(1);
    return -(picked * valid).sum(1) / count.clamp_min(1);
}

} // namespace qkov
