// Post-processors of tokenizer.json: the special tokens wrapped around a
// single encoded sequence ([CLS] ... [SEP], <s> ..., nothing for GPT-2).
#include "Components.h"

#include "Error.h"

namespace qkov::tok {
namespace {

// Ids before and after the sequence; covers TemplateProcessing, Bert and Roberta.
class WrapProcessor : public PostProcessor
{
public:
    std::vector<int> before, after;
    void addSpecialTokens(std::vector<int> &ids) const override
    {
        ids.insert(ids.begin(), before.begin(), before.end());
        ids.insert(ids.end(), after.begin(), after.end());
    }
};

class SequenceProcessor : public PostProcessor
{
public:
    std::vector<std::unique_ptr<PostProcessor>> parts;
    void addSpecialTokens(std::vector<int> &ids) const override
    {
        for (const auto &p : parts)
            p->addSpecialTokens(ids);
    }
};

class NoSpecialTokens : public PostProcessor
{
public:
    void addSpecialTokens(std::vector<int> &) const override {}
};

std::unique_ptr<PostProcessor> makeTemplate(const QJsonObject &o, const QString &file)
{
    const QJsonValue single = o.value(QLatin1String("single"));
    if (!single.isArray())
        throwBadField("TemplateProcessing post-processor", "single", file);
    const QJsonObject specials = o.value(QLatin1String("special_tokens")).toObject();
    auto p = std::make_unique<WrapProcessor>();
    bool seenSequence = false;
    for (const QJsonValue &item : single.toArray()) {
        const QJsonObject piece = item.toObject();
        if (piece.contains(QLatin1String("Sequence"))) {
            seenSequence = true;
            continue;
        }
        const QString name = piece.value(QLatin1String("SpecialToken")).toObject().value(QLatin1String("id")).toString();
        const QJsonValue special = specials.value(name);
        if (name.isEmpty() || !special.isObject())
            throw Error(file, QStringLiteral("the TemplateProcessing post-processor uses the undeclared special token \"%1\".").arg(name));
        for (const QJsonValue &id : special.toObject().value(QLatin1String("ids")).toArray()) {
            if (!id.isDouble() || id.toInt(-1) < 0)
                throw Error(file, QStringLiteral("the special token \"%1\" has an invalid id.").arg(name));
            (seenSequence ? p->after : p->before).push_back(id.toInt());
        }
    }
    return p;
}

// BertProcessing / RobertaProcessing store a token as ["[CLS]", 101].
int tokenPairId(const QJsonObject &o, const char *key, const char *what, const QString &file)
{
    const QJsonArray pair = o.value(QLatin1String(key)).toArray();
    if (pair.size() != 2 || !pair[1].isDouble() || pair[1].toInt(-1) < 0)
        throwBadField(what, key, file);
    return pair[1].toInt();
}

} // namespace

std::unique_ptr<PostProcessor> makePostProcessor(const QJsonValue &json, const QString &file)
{
    if (json.isNull() || json.isUndefined())
        return nullptr;
    const QString type = componentType(json, "post-processor", file);
    const QJsonObject o = json.toObject();
    if (type == QLatin1String("TemplateProcessing"))
        return makeTemplate(o, file);
    if (type == QLatin1String("BertProcessing") || type == QLatin1String("RobertaProcessing")) {
        const char *what = type == QLatin1String("BertProcessing") ? "BertProcessing post-processor"
                                                                     : "RobertaProcessing post-processor";
        auto p = std::make_unique<WrapProcessor>();
        p->before.push_back(tokenPairId(o, "cls", what, file));
        p->after.push_back(tokenPairId(o, "sep", what, file));
        return p;
    }
    if (type == QLatin1String("ByteLevel")) // only trims offsets, which are not tracked
        return std::make_unique<NoSpecialTokens>();
    if (type == QLatin1String("Sequence")) {
        if (!o.value(QLatin1String("processors")).isArray())
            throwBadField("Sequence post-processor", "processors", file);
        auto seq = std::make_unique<SequenceProcessor>();
        for (const QJsonValue &part : o.value(QLatin1String("processors")).toArray())
            if (auto p = makePostProcessor(part, file))
                seq->parts.push_back(std::move(p));
        return seq;
    }
    throwUnknownType("post-processor", type, file);
}

std::unique_ptr<PostProcessor> makeBosEosProcessor(int bosId, int eosId)
{
    auto p = std::make_unique<WrapProcessor>();
    if (bosId >= 0)
        p->before.push_back(bosId);
    if (eosId >= 0)
        p->after.push_back(eosId);
    return p;
}

} // namespace qkov::tok
