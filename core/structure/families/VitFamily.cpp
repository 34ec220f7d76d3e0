// Vision Transformers. HF ViT/DeiT: encoder.layer.N.attention.attention.{query,
// key,value} and attention.output.dense. timm: blocks.N.attn.qkv, a fused
// nn.Linear with rows Q | K | V, and blocks.N.attn.proj.
#include "../StructureBuilder.h"
#include "Families.h"

namespace qkov {

namespace {

class VitFamily final : public ArchitectureFamily
{
public:
    QString id() const override { return QStringLiteral("vit"); }
    QStringList modelTypes() const override { return {QStringLiteral("vit"), QStringLiteral("deit")}; }
    QStringList architectureClasses() const override { return {QStringLiteral("ViT"), QStringLiteral("DeiT")}; }

    ModelStructure detect(const ModelConfig &config, const TensorIndex &tensors) const override
    {
        const StructureBuilder b(tensors, config.sourcePath);
        const HeadDims d = HeadDims::make(config.numHeads, config.numHeads, config.hiddenSize);
        std::vector<AttentionLayer> layers;
        if (tensors.has(QStringLiteral("blocks.0.attn.qkv.weight"))) {
            layers = b.eachLayer(QStringLiteral("blocks."), config.numLayers, [&](int i, const QString &path) {
                const QString attn = path + QStringLiteral(".attn");
                return b.fusedBlocked(i, attn, attn + QStringLiteral(".qkv.weight"),
                                      attn + QStringLiteral(".proj.weight"), d, false);
            });
        } else {
            const QString prefix = b.resolvePrefix({QStringLiteral("vit."), QStringLiteral("deit."), QString()},
                                                   QStringLiteral("encoder.layer.0.attention.attention.query.weight"));
            layers = b.eachLayer(prefix + QStringLiteral("encoder.layer."), config.numLayers,
                                 [&](int i, const QString &path) {
                                     const QString attn = path + QStringLiteral(".attention");
                                     return b.splitLinear(i, attn,
                                                          projectionNames(attn, QStringLiteral("attention.query"),
                                                                          QStringLiteral("attention.key"),
                                                                          QStringLiteral("attention.value"),
                                                                          QStringLiteral("output.dense")),
                                                          d);
                                 });
        }
        return assembleStructure(architectureName(config, id()), std::move(layers), d);
    }
};

} // namespace

std::unique_ptr<ArchitectureFamily> makeVitFamily() { return std::make_unique<VitFamily>(); }

} // namespace qkov
