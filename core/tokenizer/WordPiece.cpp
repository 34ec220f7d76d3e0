// WordPiece (BERT): greedy longest-prefix match with a "##" continuation
// prefix; a word with any unmatched remainder is one unknown token.
// WordLevel: one vocabulary lookup per word.
#include "Components.h"

#include "Error.h"

namespace qkov::tok {
namespace {

class WordPieceModel : public Model
{
public:
    Vocabulary vocab;
    int unkId = -1;
    QString prefix = QStringLiteral("##");
    int maxInputCharsPerWord = 100;

    int tokenToId(const QString &token) const override { return vocab.id(token); }
    QString idToToken(int id) const override { return vocab.token(id); }
    int vocabSize() const override { return int(vocab.toToken.size()); }

    void tokenize(const QString &word, std::vector<int> &ids) const override
    {
        if (word.isEmpty())
            return;
        // Code-point boundaries, so that no piece splits a surrogate pair.
        std::vector<qsizetype> bounds{0};
        for (qsizetype i = 0; i < word.size();) {
            i += (word[i].isHighSurrogate() && i + 1 < word.size()) ? 2 : 1;
            bounds.push_back(i);
        }
        const size_t chars = bounds.size() - 1;
        if (chars > size_t(maxInputCharsPerWord)) {
            ids.push_back(unkId);
            return;
        }
        std::vector<int> pieces;
        size_t start = 0;
        while (start < chars) {
            int found = -1;
            size_t end = chars;
            for (; end > start; --end) {
                QString piece = word.mid(bounds[start], bounds[end] - bounds[start]);
                if (start > 0)
                    piece.prepend(prefix);
                found = vocab.id(piece);
                if (found >= 0)
                    break;
            }
            if (found < 0) {
                ids.push_back(unkId);
                return;
            }
            pieces.push_back(found);
            start = end;
        }
        ids.insert(ids.end(), pieces.begin(), pieces.end());
    }
};

class WordLevelModel : public Model
{
public:
    Vocabulary vocab;
    int unkId = -1;

    int tokenToId(const QString &token) const override { return vocab.id(token); }
    QString idToToken(int id) const override { return vocab.token(id); }
    int vocabSize() const override { return int(vocab.toToken.size()); }

    void tokenize(const QString &word, std::vector<int> &ids) const override
    {
        const int id = vocab.id(word);
        if (id >= 0)
            ids.push_back(id);
        else if (unkId >= 0)
            ids.push_back(unkId);
    }
};

int requiredUnk(const Vocabulary &vocab, const QJsonObject &o, const char *what, const QString &file)
{
    const QString unk = o.value(QLatin1String("unk_token")).toString();
    const int id = vocab.id(unk);
    if (id < 0)
        throw Error(file, QStringLiteral("the %1 unknown token \"%2\" is not in the vocabulary.").arg(QLatin1String(what), unk));
    return id;
}

} // namespace

std::unique_ptr<Model> makeWordPieceModel(const QJsonObject &o, const QString &file)
{
    auto model = std::make_unique<WordPieceModel>();
    model->vocab = parseVocabularyMap(o.value(QLatin1String("vocab")), "WordPiece", file);
    model->unkId = requiredUnk(model->vocab, o, "WordPiece", file);
    if (o.value(QLatin1String("continuing_subword_prefix")).isString())
        model->prefix = o.value(QLatin1String("continuing_subword_prefix")).toString();
    model->maxInputCharsPerWord = o.value(QLatin1String("max_input_chars_per_word")).toInt(100);
    return model;
}

std::unique_ptr<Model> makeWordLevelModel(const QJsonObject &o, const QString &file)
{
    auto model = std::make_unique<WordLevelModel>();
    model->vocab = parseVocabularyMap(o.value(QLatin1String("vocab")), "WordLevel", file);
    if (o.value(QLatin1String("unk_token")).isString())
        model->unkId = requiredUnk(model->vocab, o, "WordLevel", file);
    return model;
}

} // namespace qkov::tok
