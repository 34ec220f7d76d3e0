#pragma once
// Internal: the Hugging Face tokenizer.json pipeline behind qkov::Tokenizer.
#include "AddedVocabulary.h"
#include "Components.h"
#include "Tokenizer.h"

namespace qkov::tok {

class HfTokenizer : public Tokenizer
{
public:
    // Throws qkov::Error naming the file at fault.
    static std::unique_ptr<HfTokenizer> load(const QString &tokenizerJson, const QString &tokenizerConfigJson);

    std::vector<int> encode(const QString &text, bool addSpecialTokens = true) const override;
    QString decode(const std::vector<int> &ids, bool skipSpecialTokens = false) const override;
    QString tokenString(int id) const override;
    int tokenId(const QString &token) const override;
    int vocabSize() const override;
    int bosId() const override { return m_bosId; }
    int eosId() const override { return m_eosId; }
    int padId() const override { return m_padId; }
    bool isSpecial(int id) const override;

private:
    void applyConfig(const QJsonObject &config);

    std::unique_ptr<Normalizer> m_normalizer;
    std::unique_ptr<PreTokenizer> m_preTokenizer;
    std::unique_ptr<Model> m_model;
    std::unique_ptr<PostProcessor> m_postProcessor;
    std::unique_ptr<Decoder> m_decoder;
    AddedVocabulary m_added;
    int m_bosId = -1, m_eosId = -1, m_padId = -1;
};

} // namespace qkov::tok
