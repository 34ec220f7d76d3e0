#include "Llama2cTokenizer.h"

#include "Components.h"
#include "Error.h"

#include <QFile>
#include <QtEndian>
#include <cstring>
#include <queue>

namespace qkov::tok {

std::unique_ptr<Llama2cTokenizer> Llama2cTokenizer::load(const QString &path, int vocabSize)
{
    if (vocabSize < 0)
        throw Error(path, QStringLiteral("the vocabulary size %1 is negative.").arg(vocabSize));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(path, QStringLiteral("cannot open the file (%1).").arg(file.errorString()));
    const QByteArray data = file.readAll();
    qsizetype pos = 0;
    auto readInt = [&](const char *what) {
        if (data.size() - pos < 4)
            throw Error(path, QStringLiteral("the file ends inside %1 at byte %2.").arg(QLatin1String(what)).arg(pos));
        const qint32 v = qFromLittleEndian<qint32>(data.constData() + pos);
        pos += 4;
        return v;
    };
    const qint32 maxTokenLength = readInt("the header");
    if (maxTokenLength <= 0)
        throw Error(path, QStringLiteral("max_token_length %1 is not positive; not a llama2.c tokenizer.").arg(maxTokenLength));

    auto tok = std::unique_ptr<Llama2cTokenizer>(new Llama2cTokenizer);
    while (vocabSize > 0 ? int(tok->m_pieces.size()) < vocabSize : pos < data.size()) {
        const qint32 scoreBits = readInt("a token score");
        float score;
        std::memcpy(&score, &scoreBits, sizeof score);
        const qint32 length = readInt("a token length");
        if (length < 0 || length > maxTokenLength || length > data.size() - pos)
            throw Error(path, QStringLiteral("token %1 has an invalid length %2.").arg(tok->m_pieces.size()).arg(length));
        const QByteArray piece = data.mid(pos, length);
        pos += length;
        const int id = int(tok->m_pieces.size());
        tok->m_pieces.push_back(piece);
        tok->m_scores.push_back(score);
        if (!tok->m_ids.contains(piece))
            tok->m_ids.insert(piece, id);
    }
    if (tok->m_pieces.size() < 3)
        throw Error(path, QStringLiteral("the vocabulary has %1 tokens; llama2.c needs at least <unk>, <s> and </s>.")
                              .arg(tok->m_pieces.size()));
    return tok;
}

std::vector<int> Llama2cTokenizer::encode(const QString &text, bool addSpecialTokens) const
{
    std::vector<int> ids;
    if (addSpecialTokens)
        ids.push_back(bosId());
    const QByteArray bytes = text.toUtf8();
    std::vector<int> symbols;
    if (!bytes.isEmpty()) {
        const int dummyPrefix = lookup(QByteArrayLiteral(" "));
        if (dummyPrefix >= 0)
            symbols.push_back(dummyPrefix);
    }
    // One symbol per UTF-8 character (at most 4 bytes), else its bytes + 3.
    for (qsizetype start = 0; start < bytes.size();) {
        qsizetype end = start + 1;
        while (end < bytes.size() && (uchar(bytes[end]) & 0xC0) == 0x80 && end - start < 4)
            ++end;
        const int id = lookup(bytes.mid(start, end - start));
        if (id >= 0) {
            symbols.push_back(id);
        } else {
            for (qsizetype i = start; i < end; ++i) {
                const int byteId = uchar(bytes[i]) + 3;
                if (byteId < vocabSize())
                    symbols.push_back(byteId);
            }
        }
        start = end;
    }

    // run.c rescans for the best-scoring pair (leftmost on ties) after each
    // merge; a heap over a linked list gives the same order in n log n.
    struct Candidate
    {
        float score;
        int pos, left, right, merged;
        bool operator<(const Candidate &o) const { return score != o.score ? score < o.score : pos > o.pos; }
    };
    const int n = int(symbols.size());
    std::vector<int> next(static_cast<size_t>(n)), prev(static_cast<size_t>(n));
    std::vector<bool> alive(static_cast<size_t>(n), true);
    for (int i = 0; i < n; ++i) {
        next[size_t(i)] = i + 1 < n ? i + 1 : -1;
        prev[size_t(i)] = i - 1;
    }
    std::priority_queue<Candidate> queue;
    auto pushPair = [&](int pos) {
        const int nx = next[size_t(pos)];
        if (nx < 0)
            return;
        const int left = symbols[size_t(pos)], right = symbols[size_t(nx)];
        const int merged = lookup(m_pieces[size_t(left)] + m_pieces[size_t(right)]);
        if (merged >= 0)
            queue.push({m_scores[size_t(merged)], pos, left, right, merged});
    };
    for (int i = 0; i < n; ++i)
        pushPair(i);
    while (!queue.empty()) {
        const Candidate c = queue.top();
        queue.pop();
        const int nx = next[size_t(c.pos)];
        if (!alive[size_t(c.pos)] || nx < 0 || symbols[size_t(c.pos)] != c.left || symbols[size_t(nx)] != c.right)
            continue;
        symbols[size_t(c.pos)] = c.merged;
        alive[size_t(nx)] = false;
        next[size_t(c.pos)] = next[size_t(nx)];
        if (next[size_t(nx)] >= 0)
            prev[size_t(next[size_t(nx)])] = c.pos;
        if (prev[size_t(c.pos)] >= 0)
            pushPair(prev[size_t(c.pos)]);
        pushPair(c.pos);
    }
    for (int i = 0; i < n; ++i)
        if (alive[size_t(i)])
            ids.push_back(symbols[size_t(i)]);
    return ids;
}

QString Llama2cTokenizer::decode(const std::vector<int> &ids, bool skipSpecialTokens) const
{
    QByteArray bytes;
    int previous = -1;
    for (int id : ids) {
        if (id < 0 || id >= vocabSize())
            continue;
        if (isSpecial(id)) {
            if (!skipSpecialTokens)
                bytes.append(tokenString(id).toUtf8());
            previous = id;
            continue;
        }
        QByteArray piece = m_pieces[size_t(id)];
        // run.c drops the dummy-prefix space after BOS; we also do at the start.
        if ((previous == bosId() || previous < 0) && piece.startsWith(' '))
            piece.remove(0, 1);
        const int byte = parseByteToken(QString::fromLatin1(piece));
        if (byte >= 0)
            bytes.append(char(byte));
        else
            bytes.append(piece);
        previous = id;
    }
    return textFromUtf8(bytes);
}

QString Llama2cTokenizer::tokenString(int id) const
{
    if (id < 0 || id >= vocabSize())
        return QString();
    const QString s = textFromUtf8(m_pieces[size_t(id)]);
    // The exporter stores <s> and </s> as "\n<s>\n" and "\n</s>\n".
    return isSpecial(id) ? s.trimmed() : s;
}

int Llama2cTokenizer::tokenId(const QString &token) const
{
    for (int id = 0; id < 3; ++id)
        if (tokenString(id) == token)
            return id;
    return lookup(token.toUtf8());
}

} // namespace qkov::tok
