#pragma once
// Internal: the stages of the Hugging Face tokenizer pipeline
// (normalize -> pre-tokenize -> model -> post-process; decode) and the
// factories that build them from the JSON objects of tokenizer.json.
// Offsets are not tracked: the workbench needs ids and strings only.
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

namespace qkov::tok {

class Normalizer
{
public:
    virtual ~Normalizer() = default;
    virtual QString normalize(const QString &text) const = 0;
};

class PreTokenizer
{
public:
    virtual ~PreTokenizer() = default;
    // Splits every piece further (in place, keeping order). `atTextStart`
    // tells whether pieces[0] begins the input text (Metaspace "first").
    virtual void split(QStringList &pieces, bool atTextStart) const = 0;
};

class Model
{
public:
    virtual ~Model() = default;
    // Appends the ids of one pre-tokenized word.
    virtual void tokenize(const QString &word, std::vector<int> &ids) const = 0;
    virtual int tokenToId(const QString &token) const = 0; // -1 if none
    virtual QString idToToken(int id) const = 0;           // empty if none
    virtual int vocabSize() const = 0;                     // one more than the largest id
};

class PostProcessor
{
public:
    virtual ~PostProcessor() = default;
    // Called only when special tokens are to be added.
    virtual void addSpecialTokens(std::vector<int> &ids) const = 0;
};

class Decoder
{
public:
    virtual ~Decoder() = default;
    // Rewrites the token strings; the result is their concatenation.
    virtual void decode(QStringList &tokens) const = 0;
};

// `file` names tokenizer.json in error messages. A null JSON value gives nullptr.
std::unique_ptr<Normalizer> makeNormalizer(const QJsonValue &json, const QString &file);
std::unique_ptr<PreTokenizer> makePreTokenizer(const QJsonValue &json, const QString &file);
std::unique_ptr<Model> makeModel(const QJsonValue &json, const QString &file);
std::unique_ptr<PostProcessor> makePostProcessor(const QJsonValue &json, const QString &file);
std::unique_ptr<Decoder> makeDecoder(const QJsonValue &json, const QString &file);
// The template `bos? $A eos?` that LLaMA's tokenizer_config.json flags ask for.
std::unique_ptr<PostProcessor> makeBosEosProcessor(int bosId, int eosId);

// The model kinds (called by makeModel).
std::unique_ptr<Model> makeBpeModel(const QJsonObject &json, const QString &file);
std::unique_ptr<Model> makeWordPieceModel(const QJsonObject &json, const QString &file);
std::unique_ptr<Model> makeWordLevelModel(const QJsonObject &json, const QString &file);
std::unique_ptr<Model> makeUnigramModel(const QJsonObject &json, const QString &file);

// A {"token": id} vocabulary: both directions, ids validated.
struct Vocabulary
{
    QHash<QString, int> toId;
    std::vector<QString> toToken; // indexed by id; gaps are empty
    int id(const QString &token) const { return toId.value(token, -1); }
    QString token(int id) const { return id >= 0 && size_t(id) < toToken.size() ? toToken[size_t(id)] : QString(); }
};
Vocabulary parseVocabularyMap(const QJsonValue &json, const char *what, const QString &file);

// Shared helpers for the component parsers.
// o[key] when it is a boolean, else `fallback`.
bool boolField(const QJsonObject &o, const char *key, bool fallback);

QString componentType(const QJsonValue &json, const char *what, const QString &file);
[[noreturn]] void throwUnknownType(const char *what, const QString &type, const QString &file);
[[noreturn]] void throwBadField(const char *what, const char *field, const QString &file);
// A {"String": s} or {"Regex": r} pattern object as a regular-expression source.
QString patternSource(const QJsonValue &pattern, const char *what, const QString &file);

// GPT-2's reversible map between bytes and printable characters.
QChar byteToUnicode(unsigned char byte);
// -1 when `c` is not one of the 256 byte characters.
int unicodeToByte(QChar c);

// Unicode helpers shared by BERT normalizer and pre-tokenizers.
bool isBertWhitespace(char32_t c);
bool isBertControl(char32_t c);
bool isBertPunctuation(char32_t c);
std::u32string toUcs4(const QString &s);
QString fromUcs4(const std::u32string &s);
// UTF-8 to text keeping a leading U+FEFF (QString::fromUtf8 drops it);
// invalid sequences become U+FFFD.
QString textFromUtf8(const QByteArray &bytes);
// "<0x41>" for byte-fallback vocabularies.
QString byteTokenName(unsigned char byte);
// The byte of a "<0xNN>" token, or -1.
int parseByteToken(const QString &token);

} // namespace qkov::tok
