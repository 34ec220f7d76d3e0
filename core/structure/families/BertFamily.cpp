// BERT and RoBERTa encoders: encoder.layer.N.attention.self.{query,key,value}
// and attention.output.dense, all with biases; the task head's prefix
// ("bert.", "roberta.") is absent from bare BertModel checkpoints.
#include "../StructureBuilder.h"
#include "Families.h"

namespace qkov {

namespace {

class BertFamily final : public ArchitectureFamily
{
public:
    QString id() const override { return QStringLiteral("bert"); }
    QStringList modelTypes() const override
    {
        return {QStringLiteral("bert"), QStringLiteral("roberta"), QStringLiteral("xlm-roberta")};
    }
    QStringList architectureClasses() const override
    {
        return {QStringLiteral("Bert"), QStringLiteral("Roberta"), QStringLiteral("XLMRoberta")};
    }

    ModelStructure detect(const ModelConfig &config, const TensorIndex &tensors) const override
    {
        const StructureBuilder b(tensors, config.sourcePath);
        const HeadDims d = HeadDims::make(config.numHeads, config.numHeads, config.hiddenSize);
        const QString prefix = b.resolvePrefix({QStringLiteral("bert."), QStringLiteral("roberta."), QString()},
                                               QStringLiteral("encoder.layer.0.attention.self.query.weight"));
        auto layers = b.eachLayer(prefix + QStringLiteral("encoder.layer."), config.numLayers,
                                  [&](int i, const QString &path) {
                                      const QString attn = path + QStringLiteral(".attention");
                                      return b.splitLinear(i, attn,
                                                           projectionNames(attn, QStringLiteral("self.query"), QStringLiteral("self.key"),
                                                                           QStringLiteral("self.value"), QStringLiteral("output.dense")),
                                                           d);
                                  });
        return assembleStructure(architectureName(config, id()), std::move(layers), d);
    }
};

} // namespace

std::unique_ptr<ArchitectureFamily> makeBertFamily() { return std::make_unique<BertFamily>(); }

} // namespace qkov
