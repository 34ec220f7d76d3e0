// LLaMA 1-3, Mistral, Mixtral (attention only: its experts are MLPs), Qwen 2
// and 3 (q/k/v biases): separate q/k/v/o_proj under model.layers.N.self_attn,
// grouped-query K/V.
#include "../StructureBuilder.h"
#include "Families.h"

namespace qkov {

namespace {

class LlamaFamily final : public ArchitectureFamily
{
public:
    QString id() const override { return QStringLiteral("llama"); }
    QStringList modelTypes() const override
    {
        return {QStringLiteral("llama"), QStringLiteral("mistral"), QStringLiteral("mixtral"),
                QStringLiteral("qwen2"), QStringLiteral("qwen3")};
    }
    QStringList architectureClasses() const override
    {
        return {QStringLiteral("Llama"), QStringLiteral("Mistral"), QStringLiteral("Mixtral"),
                QStringLiteral("Qwen2"), QStringLiteral("Qwen3")};
    }

    ModelStructure detect(const ModelConfig &config, const TensorIndex &tensors) const override
    {
        const StructureBuilder b(tensors, config.sourcePath);
        const HeadDims d = HeadDims::fromConfig(config);
        // Base-model checkpoints (LlamaModel) are saved without "model.".
        const QString prefix = b.resolvePrefix({QStringLiteral("model."), QString()},
                                               QStringLiteral("layers.0.self_attn.q_proj.weight"));
        auto layers = b.eachLayer(prefix + QStringLiteral("layers."), config.numLayers,
                                  [&](int i, const QString &path) {
                                      const QString attn = path + QStringLiteral(".self_attn");
                                      return b.splitLinear(i, attn,
                                                           projectionNames(attn, QStringLiteral("q_proj"), QStringLiteral("k_proj"),
                                                                           QStringLiteral("v_proj"), QStringLiteral("o_proj")),
                                                           d);
                                  });
        return assembleStructure(architectureName(config, id()), std::move(layers), d);
    }
};

} // namespace

std::unique_ptr<ArchitectureFamily> makeLlamaFamily() { return std::make_unique<LlamaFamily>(); }

} // namespace qkov
