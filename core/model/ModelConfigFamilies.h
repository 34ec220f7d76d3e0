#pragma once
// Per-family parsing rules of config.json (private to ModelConfig.cpp): the
// real key spellings of each family, its defaults as the HF configuration
// classes define them, and the few rules that no key table can express.
#include "ConfigReader.h"
#include "ModelConfig.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace qkov {

struct FamilyTraits
{
    // Aliases in order of preference; the first is the family's own spelling
    // and is the one named when a required key is missing.
    QStringList layerKeys, headKeys, hiddenKeys, kvHeadKeys, headDimKeys, intermediateKeys;
    QStringList epsKeys, activationKeys, maxPositionKeys, thetaKeys, partialRotaryKeys;
    QStringList attentionBiasKeys, mlpBiasKeys, parallelKeys;

    NormKind norm = NormKind::LayerNorm;
    double eps = 1e-5;
    QString activation;             // when the config names none
    int intermediateFactor = 0;     // x hidden when no intermediate key (0 = unknown)
    bool tieDefault = true;         // PretrainedConfig's default
    bool rope = false;
    double partialRotary = 1.0;
    bool attentionBias = false;
    bool mlpBias = false;
    bool parallel = false;
    bool isDecoder = true;          // encoders read "is_decoder" with default false
    bool preLayerNorm = true;
    bool unknownFamily = false;     // generic rules: RoPE / RMSNorm inferred from keys
    QJsonObject defaults;           // values of keys the file may omit (CLIP towers)
};

// The family whose rules apply: model_type, or one derived from the
// architecture class names when model_type is absent ("" when unknown).
QString parsingFamily(const QString &modelType, const QStringList &architectures);
FamilyTraits familyTraits(const QString &family);
// Rules that are not a key lookup (Falcon's KV heads, Qwen's halved MLP
// width, T5's decoder depth, OPT's projections...), applied after the
// generic keys are read and before validation.
void applyFamilySpecifics(const QString &family, const ConfigReader &reader, ModelConfig &config);

} // namespace qkov
