// Gemma 1-3: LLaMA-style names, but head_dim comes from config.json and need
// not be hidden / heads (Gemma 7B: 16 heads x 256 = 4096 vs hidden 3072).
#include "../StructureBuilder.h"
#include "Families.h"

namespace qkov {

namespace {

class GemmaFamily final : public ArchitectureFamily
{
public:
    QString id() const override { return QStringLiteral("gemma"); }
    QStringList modelTypes() const override
    {
        return {QStringLiteral("gemma"), QStringLiteral("gemma2"), QStringLiteral("gemma3_text")};
    }
    QStringList architectureClasses() const override
    {
        return {QStringLiteral("Gemma"), QStringLiteral("Gemma2"), QStringLiteral("Gemma3")};
    }

    ModelStructure detect(const ModelConfig &config, const TensorIndex &tensors) const override
    {
        const int headDim = jsonInt(config.raw, {"head_dim"}, config.headDim);
        const HeadDims d = HeadDims::make(config.numHeads, config.numKvHeads, config.hiddenSize, headDim);
        return detectSelfAttnLayout(config, tensors, id(), {QStringLiteral("model."), QStringLiteral("model.language_model."), QString()},
                                    QStringLiteral("o_proj"), d);
    }
};

} // namespace

std::unique_ptr<ArchitectureFamily> makeGemmaFamily() { return std::make_unique<GemmaFamily>(); }

} // namespace qkov
