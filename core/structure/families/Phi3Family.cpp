// Phi-3: one fused qkv_proj [H*d + 2*H_kv*d, hidden] with rows Q | K | V
// (K at H*d, V at H*d + H_kv*d), then o_proj.
#include "../StructureBuilder.h"
#include "Families.h"

namespace qkov {

namespace {

class Phi3Family final : public ArchitectureFamily
{
public:
    QString id() const override { return QStringLiteral("phi3"); }
    QStringList modelTypes() const override { return {QStringLiteral("phi3")}; }
    QStringList architectureClasses() const override { return {QStringLiteral("Phi3")}; }

    ModelStructure detect(const ModelConfig &config, const TensorIndex &tensors) const override
    {
        const StructureBuilder b(tensors, config.sourcePath);
        const HeadDims d = HeadDims::fromConfig(config);
        const QString prefix = b.resolvePrefix({QStringLiteral("model."), QString()},
                                               QStringLiteral("layers.0.self_attn.qkv_proj.weight"));
        auto layers = b.eachLayer(prefix + QStringLiteral("layers."), config.numLayers,
                                  [&](int i, const QString &path) {
                                      const QString attn = path + QStringLiteral(".self_attn");
                                      return b.fusedBlocked(i, attn, attn + QStringLiteral(".qkv_proj.weight"),
                                                            attn + QStringLiteral(".o_proj.weight"), d, false);
                                  });
        return assembleStructure(architectureName(config, id()), std::move(layers), d);
    }
};

} // namespace

std::unique_ptr<ArchitectureFamily> makePhi3Family() { return std::make_unique<Phi3Family>(); }

} // namespace qkov
