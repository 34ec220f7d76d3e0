// T5: encoder.block.N.layer.0.SelfAttention, decoder.block.N.layer.0.SelfAttention
// and decoder.block.N.layer.1.EncDecAttention, each {q,k,v,o} without biases,
// as three stacks. The inner width num_heads * d_kv may differ from d_model.
#include "../StructureBuilder.h"
#include "Families.h"

namespace qkov {

namespace {

class T5Family final : public ArchitectureFamily
{
public:
    QString id() const override { return QStringLiteral("t5"); }
    QStringList modelTypes() const override
    {
        return {QStringLiteral("t5"), QStringLiteral("mt5"), QStringLiteral("umt5")};
    }
    QStringList architectureClasses() const override
    {
        return {QStringLiteral("T5"), QStringLiteral("MT5"), QStringLiteral("UMT5")};
    }

    ModelStructure detect(const ModelConfig &config, const TensorIndex &tensors) const override
    {
        const StructureBuilder b(tensors, config.sourcePath);
        const QJsonObject &raw = config.raw;
        const int heads = jsonInt(raw, {"num_heads"}, config.numHeads);
        const int model = jsonInt(raw, {"d_model"}, config.hiddenSize);
        const HeadDims d = HeadDims::make(heads, heads, model, jsonInt(raw, {"d_kv"}, 0));
        const int encoderLayers = jsonInt(raw, {"num_layers"}, config.numLayers);
        const int decoderLayers = jsonInt(raw, {"num_decoder_layers"}, encoderLayers);

        const auto stack = [&](const QString &blocks, int expected, int sublayer, const QString &kind,
                               const QString &name) {
            auto layers = b.eachLayer(blocks, expected, [&](int i, const QString &path) {
                const QString attn = path + QStringLiteral(".layer.") + QString::number(sublayer) + QLatin1Char('.') + kind;
                return b.splitLinear(i, attn,
                                     projectionNames(attn, QStringLiteral("q"), QStringLiteral("k"),
                                                     QStringLiteral("v"), QStringLiteral("o")),
                                     d);
            });
            for (AttentionLayer &layer : layers)
                layer.stack = name;
            return layers;
        };

        std::vector<AttentionLayer> all = stack(QStringLiteral("encoder.block."), encoderLayers, 0,
                                                QStringLiteral("SelfAttention"), QStringLiteral("encoder"));
        // T5EncoderModel checkpoints have no decoder.
        if (b.hasLayersUnder(QStringLiteral("decoder.block."))) {
            const auto self = stack(QStringLiteral("decoder.block."), decoderLayers, 0,
                                    QStringLiteral("SelfAttention"), QStringLiteral("decoder"));
            const auto cross = stack(QStringLiteral("decoder.block."), decoderLayers, 1,
                                     QStringLiteral("EncDecAttention"), QStringLiteral("decoder.cross"));
            all.insert(all.end(), self.begin(), self.end());
            all.insert(all.end(), cross.begin(), cross.end());
        }
        return assembleStructure(architectureName(config, id()), std::move(all), d);
    }
};

} // namespace

std::unique_ptr<ArchitectureFamily> makeT5Family() { return std::make_unique<T5Family>(); }

} // namespace qkov
