#include "HfTokenizer.h"

#include "Error.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>

namespace qkov::tok {
namespace {

// Ids beyond this are not real vocabularies and would overflow sizes.
constexpr int kMaxTokenId = 1 << 24;
// The largest real tokenizer.json files are tens of MB; a bigger one is
// refused before it is read (it would take gigabytes as a JSON tree).
constexpr qint64 kMaxJsonBytes = qint64(256) << 20;

QJsonObject readJsonObject(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(path, QStringLiteral("cannot open the file (%1).").arg(file.errorString()));
    if (file.size() > kMaxJsonBytes)
        throw Error(path, QStringLiteral("is %1 MiB, too large for a tokenizer file (the limit is %2 MiB).")
                              .arg(file.size() >> 20).arg(kMaxJsonBytes >> 20));
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        throw Error(path, QStringLiteral("invalid JSON at byte %1: %2.").arg(parseError.offset).arg(parseError.errorString()));
    if (!doc.isObject())
        throw Error(path, QStringLiteral("the JSON document is not an object."));
    return doc.object();
}

std::vector<AddedToken> parseAddedTokens(const QJsonValue &json, const QString &file)
{
    std::vector<AddedToken> tokens;
    if (json.isNull() || json.isUndefined())
        return tokens;
    if (!json.isArray())
        throw Error(file, QStringLiteral("\"added_tokens\" is not a list."));
    for (const QJsonValue &v : json.toArray()) {
        const QJsonObject o = v.toObject();
        AddedToken t;
        t.id = o.value(QLatin1String("id")).toInt(-1);
        t.content = o.value(QLatin1String("content")).toString();
        if (t.id < 0 || t.id >= kMaxTokenId || t.content.isEmpty())
            throw Error(file, QStringLiteral("an added token has a missing or invalid \"id\" or \"content\"."));
        t.special = o.value(QLatin1String("special")).toBool(false);
        t.lstrip = o.value(QLatin1String("lstrip")).toBool(false);
        t.rstrip = o.value(QLatin1String("rstrip")).toBool(false);
        t.singleWord = o.value(QLatin1String("single_word")).toBool(false);
        t.normalized = o.value(QLatin1String("normalized")).toBool(!t.special);
        tokens.push_back(t);
    }
    return tokens;
}

// tokenizer_config.json names special tokens as strings or as
// {"content": ...} objects.
QString configTokenName(const QJsonObject &config, const char *key)
{
    const QJsonValue v = config.value(QLatin1String(key));
    return v.isObject() ? v.toObject().value(QLatin1String("content")).toString() : v.toString();
}

} // namespace

std::unique_ptr<HfTokenizer> HfTokenizer::load(const QString &tokenizerJson, const QString &tokenizerConfigJson)
{
    const QJsonObject root = readJsonObject(tokenizerJson);
    auto tok = std::unique_ptr<HfTokenizer>(new HfTokenizer);
    tok->m_model = makeModel(root.value(QLatin1String("model")), tokenizerJson);
    tok->m_normalizer = makeNormalizer(root.value(QLatin1String("normalizer")), tokenizerJson);
    tok->m_preTokenizer = makePreTokenizer(root.value(QLatin1String("pre_tokenizer")), tokenizerJson);
    tok->m_postProcessor = makePostProcessor(root.value(QLatin1String("post_processor")), tokenizerJson);
    tok->m_decoder = makeDecoder(root.value(QLatin1String("decoder")), tokenizerJson);
    tok->m_added.build(parseAddedTokens(root.value(QLatin1String("added_tokens")), tokenizerJson), tok->m_normalizer.get());

    QJsonObject config;
    if (!tokenizerConfigJson.isEmpty())
        config = readJsonObject(tokenizerConfigJson);
    tok->applyConfig(config);
    // The post-processor's ids come from the file as numbers; one outside the
    // vocabulary would reach the model's embedding lookup.
    if (tok->m_postProcessor) {
        std::vector<int> special;
        tok->m_postProcessor->addSpecialTokens(special);
        for (int id : special)
            if (id < 0 || id >= tok->vocabSize())
                throw Error(tokenizerJson, QStringLiteral("the post-processor adds token id %1, which is not in the vocabulary of %2 tokens.")
                                               .arg(id).arg(tok->vocabSize()));
    }
    return tok;
}

void HfTokenizer::applyConfig(const QJsonObject &config)
{
    auto idOfName = [this](const QString &name) { return name.isEmpty() ? -1 : tokenId(name); };
    auto firstKnown = [&](std::initializer_list<const char *> names) {
        for (const char *n : names) {
            const int id = idOfName(QString::fromUtf8(n));
            if (id >= 0 && isSpecial(id))
                return id;
        }
        return -1;
    };
    m_bosId = idOfName(configTokenName(config, "bos_token"));
    if (m_bosId < 0)
        m_bosId = idOfName(configTokenName(config, "cls_token"));
    m_eosId = idOfName(configTokenName(config, "eos_token"));
    if (m_eosId < 0)
        m_eosId = idOfName(configTokenName(config, "sep_token"));
    m_padId = idOfName(configTokenName(config, "pad_token"));
    // Not named by a config: the conventional names of special tokens.
    if (m_bosId < 0)
        m_bosId = firstKnown({"<s>", "<|begin_of_text|>", "<bos>", "<|startoftext|>", "[CLS]"});
    if (m_eosId < 0)
        m_eosId = firstKnown({"</s>", "<|end_of_text|>", "<|endoftext|>", "<eos>", "[SEP]"});
    if (m_padId < 0)
        m_padId = firstKnown({"<pad>", "[PAD]", "<|pad|>"});

    // transformers' LLaMA-family tokenizers rebuild the post-processor from
    // add_bos_token / add_eos_token (defaults: BOS yes, EOS no).
    const QString cls = config.value(QLatin1String("tokenizer_class")).toString();
    const bool llamaStyle = cls.startsWith(QLatin1String("Llama")) || cls.startsWith(QLatin1String("CodeLlama"))
        || cls.startsWith(QLatin1String("Gemma"));
    const bool hasFlags = config.contains(QLatin1String("add_bos_token")) || config.contains(QLatin1String("add_eos_token"));
    if (llamaStyle && hasFlags) {
        const bool addBos = config.value(QLatin1String("add_bos_token")).toBool(true);
        const bool addEos = config.value(QLatin1String("add_eos_token")).toBool(false);
        m_postProcessor = makeBosEosProcessor(addBos ? m_bosId : -1, addEos ? m_eosId : -1);
    }
}

std::vector<int> HfTokenizer::encode(const QString &text, bool addSpecialTokens) const
{
    std::vector<int> ids;
    bool atTextStart = true;
    QStringList pieces;
    for (const auto &raw : m_added.splitRaw(text)) {
        if (raw.id >= 0) {
            ids.push_back(raw.id);
            atTextStart = false;
            continue;
        }
        const QString normalized = m_normalizer ? m_normalizer->normalize(raw.text) : raw.text;
        for (const auto &segment : m_added.splitNormalized(normalized)) {
            if (segment.id >= 0) {
                ids.push_back(segment.id);
            } else {
                pieces = QStringList{segment.text};
                if (m_preTokenizer)
                    m_preTokenizer->split(pieces, atTextStart);
                for (const QString &word : pieces)
                    m_model->tokenize(word, ids);
            }
            atTextStart = false;
        }
        atTextStart = false;
    }
    if (addSpecialTokens && m_postProcessor)
        m_postProcessor->addSpecialTokens(ids);
    return ids;
}

QString HfTokenizer::decode(const std::vector<int> &ids, bool skipSpecialTokens) const
{
    QStringList tokens;
    tokens.reserve(qsizetype(ids.size()));
    for (int id : ids) {
        if (const AddedToken *added = m_added.byId(id)) {
            if (!(skipSpecialTokens && added->special))
                tokens.push_back(added->content);
            continue;
        }
        const QString token = m_model->idToToken(id);
        if (!token.isEmpty())
            tokens.push_back(token);
    }
    if (!m_decoder)
        return tokens.join(QLatin1Char(' ')); // the reference's default
    m_decoder->decode(tokens);
    return tokens.join(QString());
}

QString HfTokenizer::tokenString(int id) const
{
    if (const AddedToken *added = m_added.byId(id))
        return added->content;
    return m_model->idToToken(id);
}

int HfTokenizer::tokenId(const QString &token) const
{
    const int added = m_added.idOf(token);
    return added >= 0 ? added : m_model->tokenToId(token);
}

int HfTokenizer::vocabSize() const { return std::max(m_model->vocabSize(), m_added.maxId() + 1); }

bool HfTokenizer::isSpecial(int id) const
{
    const AddedToken *added = m_added.byId(id);
    return added && added->special;
}

} // namespace qkov::tok
