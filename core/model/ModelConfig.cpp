#include "ModelConfig.h"

#include "../Error.h"
#include "ConfigReader.h"
#include "ModelConfigFamilies.h"
#include "ModelLimits.h"
#include "Translate.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace qkov {

namespace {

// Bounds past which a value is a corrupt or hostile file, not a model.
using namespace modelLimits;
constexpr int kMaxHidden = 1 << 20;
constexpr int kMaxHeadDim = 1 << 16;
constexpr int kMaxIntermediate = 1 << 24;
constexpr int kMaxPositions = 1 << 30;
// config.json files are a few kilobytes; anything this big is not one.
constexpr qint64 kMaxConfigBytes = 16ll << 20;

QStringList keyList(std::initializer_list<const char *> names)
{
    QStringList list;
    for (const char *name : names)
        list << QLatin1String(name);
    return list;
}

QStringList readArchitectures(const ConfigReader &reader)
{
    const QJsonValue value = reader.object().value(QLatin1String("architectures"));
    if (value.isUndefined() || value.isNull())
        return {};
    QStringList names;
    const QJsonArray array = value.toArray();
    bool ok = value.isArray();
    for (const QJsonValue &entry : array) {
        ok = ok && entry.isString();
        names << entry.toString();
    }
    if (!ok)
        reader.fail(tr("%1 must be a list of class names, got %2")
                        .arg(reader.qualified(QStringLiteral("architectures")), ConfigReader::describe(value)));
    return names;
}

void readRopeScaling(const ConfigReader &parent, const QString &key, RopeSettings &rope)
{
    const std::optional<QJsonObject> scaling = parent.objectValue(key);
    if (!scaling)
        return;
    const ConfigReader reader(*scaling, parent.path(), parent.qualified(key));
    QString type = reader.text(keyList({"rope_type", "type"})).value_or(QString());
    if (type == QLatin1String("default"))
        type.clear();
    rope.scalingType = type;
    rope.factor = reader.positiveNumber(keyList({"factor"})).value_or(1.0);
    rope.lowFreqFactor = reader.positiveNumber(keyList({"low_freq_factor"})).value_or(rope.lowFreqFactor);
    rope.highFreqFactor = reader.positiveNumber(keyList({"high_freq_factor"})).value_or(rope.highFreqFactor);
    rope.originalMaxPositions = reader.count(keyList({"original_max_position_embeddings"}), kMaxPositions).value_or(0);
    if (type == QLatin1String("llama3") && rope.highFreqFactor <= rope.lowFreqFactor)
        reader.fail(tr("%1 (%2) must exceed %3 (%4)")
                        .arg(reader.qualified(QStringLiteral("high_freq_factor"))).arg(rope.highFreqFactor)
                        .arg(reader.qualified(QStringLiteral("low_freq_factor"))).arg(rope.lowFreqFactor));
}

void readRope(const ConfigReader &reader, const FamilyTraits &traits, ModelConfig &c)
{
    c.rope.enabled = traits.rope || (traits.unknownFamily && reader.has(keyList({"rope_theta"})));
    c.rope.theta = reader.positiveNumber(traits.thetaKeys).value_or(10000.0);
    c.rope.partialFactor = reader.positiveNumber(traits.partialRotaryKeys).value_or(traits.partialRotary);
    readRopeScaling(reader, QStringLiteral("rope_scaling"), c.rope);
    // transformers 5 folds theta and scaling into one "rope_parameters" object.
    if (const std::optional<QJsonObject> parameters = reader.objectValue(QStringLiteral("rope_parameters"))) {
        const ConfigReader nested(*parameters, reader.path(), reader.qualified(QStringLiteral("rope_parameters")));
        c.rope.theta = nested.positiveNumber(keyList({"rope_theta"})).value_or(c.rope.theta);
        c.rope.partialFactor = nested.positiveNumber(keyList({"partial_rotary_factor"})).value_or(c.rope.partialFactor);
        readRopeScaling(reader, QStringLiteral("rope_parameters"), c.rope);
    }
    if (c.rope.partialFactor > 1.0)
        reader.fail(tr("the rotary share of each head must be at most 1, got %1").arg(c.rope.partialFactor));
}

void validateShapes(const ConfigReader &reader, const FamilyTraits &traits, ModelConfig &c)
{
    const QString headsKey = reader.qualified(reader.presentKey(traits.headKeys));
    if (!c.headDimFromConfig) {
        const QString hiddenKey = reader.qualified(reader.presentKey(traits.hiddenKeys));
        if (c.hiddenSize % c.numHeads != 0)
            reader.fail(tr("%1 (%2) is not divisible by %3 (%4), and no head_dim is given")
                            .arg(hiddenKey).arg(c.hiddenSize).arg(headsKey).arg(c.numHeads));
        c.headDim = c.hiddenSize / c.numHeads;
    }
    if (c.numKvHeads > c.numHeads || c.numHeads % c.numKvHeads != 0) {
        const QString kvKey = reader.presentKey(traits.kvHeadKeys);
        reader.fail(tr("%1 (%2) must divide %3 (%4)")
                        .arg(kvKey.isEmpty() ? tr("the number of key/value heads") : reader.qualified(kvKey))
                        .arg(c.numKvHeads).arg(headsKey).arg(c.numHeads));
    }
}

// CLIP: the text tower becomes the typed config; the vision tower stays in
// raw["vision_config"] (checked here so that a broken tower fails at load).
ModelConfig parseClip(const ConfigReader &reader, const QString &keyPath)
{
    QJsonObject raw = reader.object();
    auto tower = [&](const char *key, const char *legacyKey, const char *towerType) {
        const QString name = QLatin1String(key);
        QJsonObject object = reader.objectValue(name).value_or(
            reader.objectValue(QLatin1String(legacyKey)).value_or(QJsonObject()));
        if (!object.contains(QLatin1String("model_type")))
            object.insert(QStringLiteral("model_type"), QLatin1String(towerType));
        raw.insert(name, object);
        return object;
    };
    const QJsonObject text = tower("text_config", "text_config_dict", "clip_text_model");
    const QJsonObject vision = tower("vision_config", "vision_config_dict", "clip_vision_model");
    const QString prefix = keyPath.isEmpty() ? QString() : keyPath + QLatin1Char('.');
    ModelConfig::fromJsonObject(vision, reader.path(), prefix + QStringLiteral("vision_config"));
    ModelConfig c = ModelConfig::fromJsonObject(text, reader.path(), prefix + QStringLiteral("text_config"));
    c.modelType = QStringLiteral("clip");
    c.architectures = readArchitectures(reader);
    c.torchDtype = reader.text(keyList({"torch_dtype", "dtype"})).value_or(c.torchDtype);
    c.raw = raw;
    return c;
}

} // namespace

ModelConfig ModelConfig::fromJsonObject(const QJsonObject &object, const QString &path, const QString &keyPath)
{
    const ConfigReader probe(object, path, keyPath);
    const QString modelType = probe.text(keyList({"model_type"})).value_or(QString());
    const QStringList architectures = readArchitectures(probe);
    const QString family = parsingFamily(modelType, architectures);
    if (family == QLatin1String("clip"))
        return parseClip(probe, keyPath);

    const FamilyTraits traits = familyTraits(family);
    QJsonObject withDefaults = object;
    for (auto it = traits.defaults.begin(); it != traits.defaults.end(); ++it) {
        if (!withDefaults.contains(it.key()) || withDefaults.value(it.key()).isNull())
            withDefaults.insert(it.key(), it.value());
    }
    const ConfigReader reader(withDefaults, path, keyPath);

    ModelConfig c;
    c.raw = object;
    c.sourcePath = path;
    c.modelType = modelType;
    c.architectures = architectures;
    c.torchDtype = reader.text(keyList({"torch_dtype", "dtype"})).value_or(QString());

    c.numLayers = reader.requiredCount(traits.layerKeys, kMaxLayers);
    c.numHeads = reader.requiredCount(traits.headKeys, kMaxHeads);
    c.hiddenSize = reader.requiredCount(traits.hiddenKeys, kMaxHidden);
    c.numKvHeads = reader.count(traits.kvHeadKeys, kMaxHeads).value_or(c.numHeads);
    if (const std::optional<int> headDim = reader.count(traits.headDimKeys, kMaxHeadDim)) {
        c.headDim = *headDim;
        c.headDimFromConfig = true;
    }
    c.intermediateSize = reader.count(traits.intermediateKeys, kMaxIntermediate)
                             .value_or(traits.intermediateFactor * c.hiddenSize);
    c.vocabSize = reader.count(keyList({"vocab_size"}), kMaxVocab).value_or(0);
    c.maxPositions = reader.count(traits.maxPositionKeys, kMaxPositions).value_or(0);

    c.norm = traits.norm;
    // Unknown family: an rms_norm_eps key says which norm it uses.
    if (traits.unknownFamily && reader.has(keyList({"rms_norm_eps"})))
        c.norm = NormKind::RMSNorm;
    c.normEps = reader.positiveNumber(traits.epsKeys).value_or(traits.eps);
    c.activation = reader.text(traits.activationKeys).value_or(traits.activation);
    c.tieWordEmbeddings = reader.flag(keyList({"tie_word_embeddings"})).value_or(traits.tieDefault);
    c.attentionBias = reader.flag(traits.attentionBiasKeys).value_or(traits.attentionBias);
    c.attentionOutputBias = c.attentionBias;
    c.mlpBias = reader.flag(traits.mlpBiasKeys).value_or(traits.mlpBias);
    c.parallelResidual = reader.flag(traits.parallelKeys).value_or(traits.parallel);
    c.isDecoder = traits.isDecoder || reader.flag(keyList({"is_decoder"})).value_or(false);
    c.preLayerNorm = traits.preLayerNorm;
    readRope(reader, traits, c);

    c.bosTokenId = reader.tokenId(keyList({"bos_token_id"})).value_or(-1);
    c.eosTokenId = reader.tokenId(keyList({"eos_token_id"})).value_or(-1);
    c.padTokenId = reader.tokenId(keyList({"pad_token_id"})).value_or(-1);

    applyFamilySpecifics(family, reader, c);
    validateShapes(reader, traits, c);
    return c;
}

ModelConfig ModelConfig::fromJson(const QByteArray &json, const QString &path)
{
    if (json.trimmed().isEmpty())
        throw Error(path, tr("the file is empty; expected a JSON object"));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        throw Error(path, tr("not valid JSON: %1 at offset %2").arg(parseError.errorString()).arg(parseError.offset));
    if (!document.isObject())
        throw Error(path, tr("expected a JSON object at the top level, got %1")
                              .arg(document.isArray() ? tr("an array") : tr("a plain value")));
    return fromJsonObject(document.object(), path, QString());
}

ModelConfig ModelConfig::fromFile(const QString &path)
{
    QFile file(path);
    if (!QFileInfo::exists(path))
        throw Error(path, tr("file not found"));
    if (!file.open(QIODevice::ReadOnly))
        throw Error(path, tr("cannot be opened (%1)").arg(file.errorString()));
    if (file.size() > kMaxConfigBytes)
        throw Error(path, tr("is %1 bytes, far too large for a config.json").arg(file.size()));
    const QByteArray bytes = file.read(kMaxConfigBytes + 1);
    if (file.error() != QFileDevice::NoError)
        throw Error(path, tr("cannot be read (%1)").arg(file.errorString()));
    return fromJson(bytes, path);
}

std::optional<int> ModelConfig::intKey(std::initializer_list<const char *> aliases) const
{
    return ConfigReader(raw, sourcePath, QString()).integer(keyList(aliases));
}

std::optional<double> ModelConfig::doubleKey(std::initializer_list<const char *> aliases) const
{
    return ConfigReader(raw, sourcePath, QString()).number(keyList(aliases));
}

std::optional<bool> ModelConfig::boolKey(std::initializer_list<const char *> aliases) const
{
    return ConfigReader(raw, sourcePath, QString()).flag(keyList(aliases));
}

std::optional<QString> ModelConfig::stringKey(std::initializer_list<const char *> aliases) const
{
    return ConfigReader(raw, sourcePath, QString()).text(keyList(aliases));
}

} // namespace qkov
