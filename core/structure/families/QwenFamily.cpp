// Qwen 1: transformer.h.N.attn.c_attn is an nn.Linear [3*H*d, hidden] (rows
// Q | K | V, not GPT-2's Conv1D despite the name) with a bias; c_proj is an
// nn.Linear [hidden, H*d]. d = kv_channels when given.
#include "../StructureBuilder.h"
#include "Families.h"

namespace qkov {

namespace {

class QwenFamily final : public ArchitectureFamily
{
public:
    QString id() const override { return QStringLiteral("qwen"); }
    QStringList modelTypes() const override { return {QStringLiteral("qwen")}; }
    QStringList architectureClasses() const override { return {QStringLiteral("QWen")}; }

    ModelStructure detect(const ModelConfig &config, const TensorIndex &tensors) const override
    {
        const StructureBuilder b(tensors, config.sourcePath);
        const int headDim = jsonInt(config.raw, {"kv_channels"}, config.headDim);
        const HeadDims d = HeadDims::make(config.numHeads, config.numHeads, config.hiddenSize, headDim);
        const QString prefix = b.resolvePrefix({QStringLiteral("transformer."), QString()},
                                               QStringLiteral("h.0.attn.c_attn.weight"));
        auto layers = b.eachLayer(prefix + QStringLiteral("h."), config.numLayers,
                                  [&](int i, const QString &path) {
                                      const QString attn = path + QStringLiteral(".attn");
                                      return b.fusedBlocked(i, attn, attn + QStringLiteral(".c_attn.weight"),
                                                            attn + QStringLiteral(".c_proj.weight"), d, false);
                                  });
        return assembleStructure(architectureName(config, id()), std::move(layers), d);
    }
};

} // namespace

std::unique_ptr<ArchitectureFamily> makeQwenFamily() { return std::make_unique<QwenFamily>(); }

} // namespace qkov
