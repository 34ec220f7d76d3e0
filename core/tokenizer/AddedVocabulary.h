#pragma once
// Internal: tokens added on top of the model's vocabulary (<s>, [CLS],
// <|endoftext|>, ...). They are cut out of the text before the model sees
// it: tokens with `normalized: false` from the raw text, the others from
// the normalized text. At each position the longest token wins.
#include <QHash>
#include <QString>
#include <vector>

namespace qkov::tok {

class Normalizer;

struct AddedToken
{
    int id = -1;
    QString content;
    bool special = false;
    bool lstrip = false;    // also swallows the whitespace before it
    bool rstrip = false;    // also swallows the whitespace after it
    bool singleWord = false; // only matches outside words
    bool normalized = false; // matched in normalized text
};

class AddedVocabulary
{
public:
    struct Segment
    {
        QString text; // the plain text when id < 0
        int id = -1;
    };

    // Call once with all tokens; `normalizer` (may be null) normalizes the
    // contents of the `normalized` tokens for matching.
    void build(std::vector<AddedToken> tokens, const Normalizer *normalizer);

    std::vector<Segment> splitRaw(const QString &text) const { return split(text, m_raw); }
    std::vector<Segment> splitNormalized(const QString &text) const { return split(text, m_normalized); }

    const AddedToken *byId(int id) const;
    int idOf(const QString &content) const { return m_byContent.value(content, -1); }
    int maxId() const { return m_maxId; }
    const std::vector<AddedToken> &tokens() const { return m_tokens; }

private:
    struct Pattern
    {
        QString text;
        int token; // index into m_tokens
    };
    // Patterns by first UTF-16 unit, longest first.
    using PatternIndex = QHash<QChar, std::vector<Pattern>>;
    std::vector<Segment> split(const QString &text, const PatternIndex &patterns) const;

    std::vector<AddedToken> m_tokens;
    QHash<int, int> m_byId; // id -> index
    QHash<QString, int> m_byContent;
    PatternIndex m_raw, m_normalized;
    int m_maxId = -1;
};

} // namespace qkov::tok
