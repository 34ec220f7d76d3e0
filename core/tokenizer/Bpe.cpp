// Byte-pair encoding: byte-level (GPT-2, LLaMA 3, Qwen 2) and
// SentencePiece-style with byte fallback (LLaMA 2, Mistral). Merges are
// applied lowest rank first (leftmost on ties) with a priority queue over a
// linked list of symbols; results are cached per word.
#include "Components.h"

#include "Error.h"

#include <mutex>
#include <queue>

namespace qkov::tok {
namespace {

struct MergeResult
{
    int rank;
    int newId;
};

quint64 pairKey(int left, int right) { return (quint64(quint32(left)) << 32) | quint32(right); }

class BpeModel : public Model
{
public:
    Vocabulary vocab;
    QHash<quint64, MergeResult> merges;
    int unkId = -1;
    QString continuingPrefix, endOfWordSuffix;
    bool fuseUnk = false, byteFallback = false, ignoreMerges = false;

    int tokenToId(const QString &token) const override { return vocab.id(token); }
    QString idToToken(int id) const override { return vocab.token(id); }
    int vocabSize() const override { return int(vocab.toToken.size()); }

    void tokenize(const QString &word, std::vector<int> &ids) const override
    {
        if (word.isEmpty())
            return;
        if (ignoreMerges) {
            const int id = vocab.id(word);
            if (id >= 0) {
                ids.push_back(id);
                return;
            }
        }
        const bool cacheable = word.size() <= kMaxCachedWordLength;
        if (cacheable) {
            std::lock_guard<std::mutex> lock(m_cacheMutex);
            const auto it = m_cache.constFind(word);
            if (it != m_cache.cend()) {
                ids.insert(ids.end(), it->begin(), it->end());
                return;
            }
        }
        std::vector<int> wordIds = mergeWord(word);
        ids.insert(ids.end(), wordIds.begin(), wordIds.end());
        if (cacheable) {
            std::lock_guard<std::mutex> lock(m_cacheMutex);
            if (m_cache.size() >= kMaxCacheEntries)
                m_cache.clear();
            m_cache.insert(word, std::move(wordIds));
        }
    }

private:
    static constexpr qsizetype kMaxCachedWordLength = 256;
    static constexpr qsizetype kMaxCacheEntries = 65536;
    mutable std::mutex m_cacheMutex; // std: visible to ThreadSanitizer
    mutable QHash<QString, std::vector<int>> m_cache;

    struct Symbol
    {
        int id;
        int prev, next;
        bool alive;
    };
    struct Candidate
    {
        int rank, pos, left, right, newId;
        bool operator<(const Candidate &o) const // reversed: std::priority_queue is a max-heap
        {
            return rank != o.rank ? rank > o.rank : pos > o.pos;
        }
    };

    // The initial symbols: one per character, byte tokens for characters
    // outside the vocabulary (byte fallback), else the unknown token.
    std::vector<Symbol> initialSymbols(const QString &word) const
    {
        std::vector<Symbol> symbols;
        bool previousUnk = false;
        for (qsizetype i = 0; i < word.size();) {
            const qsizetype len = (word[i].isHighSurrogate() && i + 1 < word.size()) ? 2 : 1;
            const QString ch = word.mid(i, len);
            QString piece = ch;
            if (i > 0 && !continuingPrefix.isEmpty())
                piece.prepend(continuingPrefix);
            if (i + len == word.size() && !endOfWordSuffix.isEmpty())
                piece.append(endOfWordSuffix);
            i += len;
            const int id = vocab.id(piece);
            if (id >= 0) {
                symbols.push_back({id, 0, 0, true});
                previousUnk = false;
                continue;
            }
            if (byteFallback) {
                const QByteArray bytes = ch.toUtf8();
                std::vector<int> byteIds;
                for (char b : bytes) {
                    const int byteId = vocab.id(byteTokenName(static_cast<unsigned char>(b)));
                    if (byteId < 0)
                        break;
                    byteIds.push_back(byteId);
                }
                if (byteIds.size() == size_t(bytes.size())) {
                    for (int b : byteIds)
                        symbols.push_back({b, 0, 0, true});
                    previousUnk = false;
                    continue;
                }
            }
            // Without an unknown token the character is dropped, as in the reference.
            if (unkId >= 0 && !(fuseUnk && previousUnk))
                symbols.push_back({unkId, 0, 0, true});
            previousUnk = unkId >= 0;
        }
        for (size_t s = 0; s < symbols.size(); ++s) {
            symbols[s].prev = int(s) - 1;
            symbols[s].next = s + 1 < symbols.size() ? int(s) + 1 : -1;
        }
        return symbols;
    }

    void pushCandidate(std::priority_queue<Candidate> &queue, const std::vector<Symbol> &symbols, int pos) const
    {
        const int next = symbols[size_t(pos)].next;
        if (next < 0)
            return;
        const int left = symbols[size_t(pos)].id, right = symbols[size_t(next)].id;
        const auto it = merges.constFind(pairKey(left, right));
        if (it != merges.cend())
            queue.push({it->rank, pos, left, right, it->newId});
    }

    std::vector<int> mergeWord(const QString &word) const
    {
        std::vector<Symbol> symbols = initialSymbols(word);
        std::priority_queue<Candidate> queue;
        for (size_t s = 0; s < symbols.size(); ++s)
            pushCandidate(queue, symbols, int(s));
        while (!queue.empty()) {
            const Candidate c = queue.top();
            queue.pop();
            Symbol &first = symbols[size_t(c.pos)];
            // Stale entries: a neighbour was merged away since this was queued.
            if (!first.alive || first.next < 0 || first.id != c.left || symbols[size_t(first.next)].id != c.right)
                continue;
            Symbol &second = symbols[size_t(first.next)];
            first.id = c.newId;
            second.alive = false;
            first.next = second.next;
            if (second.next >= 0)
                symbols[size_t(second.next)].prev = c.pos;
            if (first.prev >= 0)
                pushCandidate(queue, symbols, first.prev);
            pushCandidate(queue, symbols, c.pos);
        }
        std::vector<int> out;
        for (const Symbol &s : symbols)
            if (s.alive)
                out.push_back(s.id);
        return out;
    }
};

QString optionalString(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

} // namespace

std::unique_ptr<Model> makeBpeModel(const QJsonObject &o, const QString &file)
{
    auto model = std::make_unique<BpeModel>();
    model->vocab = parseVocabularyMap(o.value(QLatin1String("vocab")), "BPE", file);
    model->continuingPrefix = optionalString(o, "continuing_subword_prefix");
    model->endOfWordSuffix = optionalString(o, "end_of_word_suffix");
    model->fuseUnk = o.value(QLatin1String("fuse_unk")).toBool(false);
    model->byteFallback = o.value(QLatin1String("byte_fallback")).toBool(false);
    model->ignoreMerges = o.value(QLatin1String("ignore_merges")).toBool(false);
    const QString unk = optionalString(o, "unk_token");
    if (!unk.isEmpty()) {
        model->unkId = model->vocab.id(unk);
        if (model->unkId < 0)
            throw Error(file, QStringLiteral("the BPE unknown token \"%1\" is not in the vocabulary.").arg(unk));
    }

    const QJsonValue mergesJson = o.value(QLatin1String("merges"));
    if (!mergesJson.isArray() && !mergesJson.isUndefined() && !mergesJson.isNull())
        throwBadField("BPE model", "merges", file);
    const QJsonArray merges = mergesJson.toArray();
    model->merges.reserve(merges.size());
    const qsizetype prefixLength = model->continuingPrefix.size();
    for (qsizetype rank = 0; rank < merges.size(); ++rank) {
        // A merge is either "left right" or ["left", "right"].
        const QJsonValue m = merges[rank];
        QString left, right;
        if (m.isString()) {
            const QStringList parts = m.toString().split(QLatin1Char(' '));
            if (parts.size() != 2)
                throw Error(file, QStringLiteral("merge %1 (\"%2\") is not two tokens separated by one space.")
                                      .arg(rank).arg(m.toString()));
            left = parts[0];
            right = parts[1];
        } else if (m.isArray() && m.toArray().size() == 2 && m.toArray()[0].isString() && m.toArray()[1].isString()) {
            left = m.toArray()[0].toString();
            right = m.toArray()[1].toString();
        } else {
            throw Error(file, QStringLiteral("merge %1 is neither a string nor a pair of strings.").arg(rank));
        }
        const int leftId = model->vocab.id(left), rightId = model->vocab.id(right);
        if (leftId < 0 || rightId < 0)
            throw Error(file, QStringLiteral("merge %1 (\"%2 %3\") refers to a token that is not in the vocabulary.")
                                  .arg(rank).arg(left, right));
        const QString merged = left + (prefixLength > 0 && right.startsWith(model->continuingPrefix)
                                           ? right.mid(prefixLength) : right);
        const int mergedId = model->vocab.id(merged);
        if (mergedId < 0)
            throw Error(file, QStringLiteral("merge %1 (\"%2 %3\") makes \"%4\", which is not in the vocabulary.")
                                  .arg(rank).arg(left, right, merged));
        // A repeated pair keeps its first (best) rank.
        if (!model->merges.contains(pairKey(leftId, rightId)))
            model->merges.insert(pairKey(leftId, rightId), {int(rank), mergedId});
    }
    return model;
}

} // namespace qkov::tok
