// The model dispatch of tokenizer.json and the vocabulary parser the
// models share.
#include "Components.h"

#include "Error.h"

#include <cmath>
#include <limits>

namespace qkov::tok {

Vocabulary parseVocabularyMap(const QJsonValue &json, const char *what, const QString &file)
{
    if (!json.isObject())
        throwBadField(what, "vocab", file);
    const QJsonObject map = json.toObject();
    Vocabulary v;
    v.toId.reserve(map.size());
    int maxId = -1;
    for (auto it = map.begin(); it != map.end(); ++it) {
        const double d = it.value().toDouble(-1);
        // Range first: converting a double past INT_MAX to int is undefined.
        if (!it.value().isDouble() || d < 0 || d > double(std::numeric_limits<int>::max()) || d != std::floor(d))
            throw Error(file, QStringLiteral("the %1 vocabulary gives \"%2\" an invalid id.").arg(QLatin1String(what), it.key()));
        const int id = int(d);
        v.toId.insert(it.key(), id);
        maxId = std::max(maxId, id);
    }
    // Ids are dense in every real vocabulary; a huge id would make us
    // allocate what the file claims rather than what it holds.
    if (qint64(maxId) >= 2 * qint64(map.size()) + 65536)
        throw Error(file, QStringLiteral("the %1 vocabulary has id %2 but only %3 entries.")
                              .arg(QLatin1String(what)).arg(maxId).arg(map.size()));
    v.toToken.resize(size_t(maxId + 1));
    for (auto it = v.toId.cbegin(); it != v.toId.cend(); ++it)
        v.toToken[size_t(it.value())] = it.key();
    return v;
}

std::unique_ptr<Model> makeModel(const QJsonValue &json, const QString &file)
{
    if (!json.isObject())
        throw Error(file, QStringLiteral("the tokenizer has no \"model\" object."));
    const QJsonObject o = json.toObject();
    QString type = o.value(QLatin1String("type")).toString();
    if (type.isEmpty()) {
        // Older files omit the type; the fields tell the kind apart.
        if (o.contains(QLatin1String("merges")))
            type = QStringLiteral("BPE");
        else if (o.value(QLatin1String("vocab")).isArray())
            type = QStringLiteral("Unigram");
        else if (o.contains(QLatin1String("continuing_subword_prefix")))
            type = QStringLiteral("WordPiece");
        else
            type = QStringLiteral("WordLevel");
    }
    if (type == QLatin1String("BPE"))
        return makeBpeModel(o, file);
    if (type == QLatin1String("WordPiece"))
        return makeWordPieceModel(o, file);
    if (type == QLatin1String("WordLevel"))
        return makeWordLevelModel(o, file);
    if (type == QLatin1String("Unigram"))
        return makeUnigramModel(o, file);
    throwUnknownType("model", type, file);
}

} // namespace qkov::tok
