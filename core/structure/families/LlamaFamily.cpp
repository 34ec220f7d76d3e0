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
        const HeadDims d = HeadDims::fromConfig(config);
        // Base-model checkpoints (LlamaModel) are saved without "model.".
        return detectSelfAttnLayout(config, tensors, id(), {QStringLiteral("model."), QString()},
                                    QStringLiteral("o_proj"), d);
    }
};

} // namespace

std::unique_ptr<ArchitectureFamily> makeLlamaFamily() { return std::make_unique<LlamaFamily>(); }

} // namespace qkov
