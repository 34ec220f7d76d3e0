// Unigram (SentencePiece): the segmentation with the highest total piece
// score, by Viterbi over code points. Characters no piece covers score as
// the unknown token (lowest score minus 10); adjacent unknowns fuse, and
// with byte fallback they become byte tokens.
#include "Components.h"

#include "Error.h"

#include <cmath>
#include <limits>

namespace qkov::tok {
namespace {

class UnigramModel : public Model
{
public:
    QHash<QString, int> toId;
    std::vector<QString> pieces;
    std::vector<double> scores;
    int unkId = -1;
    bool byteFallback = false;
    double unkScore = -10.0;
    int maxPieceChars = 1;

    int tokenToId(const QString &token) const override { return toId.value(token, -1); }
    QString idToToken(int id) const override { return id >= 0 && size_t(id) < pieces.size() ? pieces[size_t(id)] : QString(); }
    int vocabSize() const override { return int(pieces.size()); }

    void tokenize(const QString &word, std::vector<int> &ids) const override
    {
        if (word.isEmpty())
            return;
        std::vector<qsizetype> bounds{0};
        for (qsizetype i = 0; i < word.size();) {
            i += (word[i].isHighSurrogate() && i + 1 < word.size()) ? 2 : 1;
            bounds.push_back(i);
        }
        const size_t n = bounds.size() - 1;
        struct Node
        {
            double score = -std::numeric_limits<double>::infinity();
            size_t start = 0;
            int id = -1; // -1: the unknown token
        };
        std::vector<Node> best(n + 1);
        best[0].score = 0;
        for (size_t i = 0; i < n; ++i) {
            if (std::isinf(best[i].score))
                continue;
            bool singleCharPiece = false;
            for (size_t end = i + 1; end <= n && end - i <= size_t(maxPieceChars); ++end) {
                const int id = toId.value(word.mid(bounds[i], bounds[end] - bounds[i]), -1);
                if (id < 0)
                    continue;
                singleCharPiece |= end == i + 1;
                const double s = best[i].score + scores[size_t(id)];
                if (s > best[end].score)
                    best[end] = {s, i, id};
            }
            if (!singleCharPiece && best[i].score + unkScore > best[i + 1].score)
                best[i + 1] = {best[i].score + unkScore, i, -1};
        }
        // Walk back, fusing runs of unknown characters.
        struct Piece
        {
            size_t start, end;
            int id;
        };
        std::vector<Piece> path;
        for (size_t end = n; end > 0;) {
            const Node &node = best[end];
            if (node.id < 0 && !path.empty() && path.back().id < 0)
                path.back().start = node.start;
            else
                path.push_back({node.start, end, node.id});
            end = node.start;
        }
        for (auto it = path.rbegin(); it != path.rend(); ++it) {
            if (it->id >= 0) {
                ids.push_back(it->id);
                continue;
            }
            const QString text = word.mid(bounds[it->start], bounds[it->end] - bounds[it->start]);
            if (byteFallback && appendBytes(text, ids))
                continue;
            if (unkId >= 0)
                ids.push_back(unkId);
        }
    }

private:
    bool appendBytes(const QString &text, std::vector<int> &ids) const
    {
        std::vector<int> byteIds;
        for (char b : text.toUtf8()) {
            const int id = toId.value(byteTokenName(static_cast<unsigned char>(b)), -1);
            if (id < 0)
                return false;
            byteIds.push_back(id);
        }
        ids.insert(ids.end(), byteIds.begin(), byteIds.end());
        return true;
    }
};

} // namespace

std::unique_ptr<Model> makeUnigramModel(const QJsonObject &o, const QString &file)
{
    const QJsonValue vocab = o.value(QLatin1String("vocab"));
    if (!vocab.isArray())
        throwBadField("Unigram model", "vocab", file);
    auto model = std::make_unique<UnigramModel>();
    const QJsonArray entries = vocab.toArray();
    double minScore = 0;
    for (qsizetype id = 0; id < entries.size(); ++id) {
        const QJsonArray entry = entries[id].toArray();
        if (entry.size() != 2 || !entry[0].isString() || !entry[1].isDouble())
            throw Error(file, QStringLiteral("Unigram vocabulary entry %1 is not a [piece, score] pair.").arg(id));
        const QString piece = entry[0].toString();
        model->pieces.push_back(piece);
        model->scores.push_back(entry[1].toDouble());
        minScore = std::min(minScore, entry[1].toDouble());
        if (!model->toId.contains(piece))
            model->toId.insert(piece, int(id));
        model->maxPieceChars = std::max(model->maxPieceChars, int(piece.toUcs4().size()));
    }
    model->unkScore = minScore - 10.0;
    const QJsonValue unk = o.value(QLatin1String("unk_id"));
    if (unk.isDouble()) {
        model->unkId = unk.toInt(-1);
        if (model->unkId < 0 || model->unkId >= int(entries.size()))
            throwBadField("Unigram model", "unk_id", file);
    }
    model->byteFallback = o.value(QLatin1String("byte_fallback")).toBool(false);
    return model;
}

} // namespace qkov::tok
