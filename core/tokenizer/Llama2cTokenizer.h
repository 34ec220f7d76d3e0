#pragma once
// Internal: llama2.c's tokenizer.bin (int32 max_token_length, then per token
// float32 score, int32 length, bytes) with run.c's encoder: BOS, a dummy
// " " prefix, one token per UTF-8 character (or its bytes + 3), then
// repeatedly the adjacent pair whose concatenation has the best score.
#include "Tokenizer.h"

#include <QByteArray>
#include <QHash>

namespace qkov::tok {

class Llama2cTokenizer : public Tokenizer
{
public:
    // Throws qkov::Error naming the file.
    static std::unique_ptr<Llama2cTokenizer> load(const QString &path, int vocabSize);

    std::vector<int> encode(const QString &text, bool addSpecialTokens = true) const override;
    QString decode(const std::vector<int> &ids, bool skipSpecialTokens = false) const override;
    QString tokenString(int id) const override;
    int tokenId(const QString &token) const override;
    int vocabSize() const override { return int(m_pieces.size()); }
    // llama2.c's fixed SentencePiece ids: <unk> 0, <s> 1, </s> 2, no padding.
    int bosId() const override { return 1; }
    int eosId() const override { return 2; }
    int padId() const override { return -1; }
    bool isSpecial(int id) const override { return id >= 0 && id <= 2 && id < vocabSize(); }

private:
    int lookup(const QByteArray &piece) const { return m_ids.value(piece, -1); }

    std::vector<QByteArray> m_pieces;
    std::vector<float> m_scores;
    QHash<QByteArray, int> m_ids;
};

} // namespace qkov::tok
