#include "AddedVocabulary.h"

#include "Components.h"

#include <algorithm>

namespace qkov::tok {
namespace {

bool isWordChar(QChar c) { return c.isLetterOrNumber() || c == QLatin1Char('_'); }

} // namespace

void AddedVocabulary::build(std::vector<AddedToken> tokens, const Normalizer *normalizer)
{
    m_tokens = std::move(tokens);
    for (int i = 0; i < int(m_tokens.size()); ++i) {
        const AddedToken &t = m_tokens[size_t(i)];
        m_byId.insert(t.id, i);
        m_byContent.insert(t.content, t.id);
        m_maxId = std::max(m_maxId, t.id);
        if (t.content.isEmpty())
            continue;
        if (t.normalized) {
            const QString pattern = normalizer ? normalizer->normalize(t.content) : t.content;
            if (!pattern.isEmpty())
                m_normalized[pattern[0]].push_back({pattern, i});
        } else {
            m_raw[t.content[0]].push_back({t.content, i});
        }
    }
    for (PatternIndex *index : {&m_raw, &m_normalized})
        for (auto &list : *index)
            std::stable_sort(list.begin(), list.end(),
                             [](const Pattern &a, const Pattern &b) { return a.text.size() > b.text.size(); });
}

const AddedToken *AddedVocabulary::byId(int id) const
{
    const auto it = m_byId.constFind(id);
    return it == m_byId.cend() ? nullptr : &m_tokens[size_t(*it)];
}

std::vector<AddedVocabulary::Segment> AddedVocabulary::split(const QString &text, const PatternIndex &patterns) const
{
    if (patterns.isEmpty())
        return {Segment{text, -1}};
    std::vector<Segment> out;
    qsizetype plainStart = 0; // start of the text not yet emitted
    for (qsizetype i = 0; i < text.size();) {
        const auto candidates = patterns.constFind(text[i]);
        const Pattern *hit = nullptr;
        if (candidates != patterns.cend()) {
            for (const Pattern &p : *candidates) {
                if (!QStringView(text).mid(i).startsWith(p.text))
                    continue;
                if (m_tokens[size_t(p.token)].singleWord) {
                    const qsizetype end = i + p.text.size();
                    if ((i > 0 && isWordChar(text[i - 1])) || (end < text.size() && isWordChar(text[end])))
                        continue;
                }
                hit = &p;
                break;
            }
        }
        if (!hit) {
            ++i;
            continue;
        }
        const AddedToken &token = m_tokens[size_t(hit->token)];
        qsizetype begin = i, end = i + hit->text.size();
        if (token.lstrip)
            while (begin > plainStart && text[begin - 1].isSpace())
                --begin;
        if (token.rstrip)
            while (end < text.size() && text[end].isSpace())
                ++end;
        if (begin > plainStart)
            out.push_back({text.mid(plainStart, begin - plainStart), -1});
        out.push_back({QString(), token.id});
        plainStart = i = end;
    }
    if (plainStart < text.size())
        out.push_back({text.mid(plainStart), -1});
    return out;
}

} // namespace qkov::tok
