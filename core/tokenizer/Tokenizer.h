#pragma once
// Text <-> token ids for the models the workbench opens. Two sources:
//  - Hugging Face `tokenizer.json` (+ optional `tokenizer_config.json`):
//    byte-level BPE (GPT-2, LLaMA 3, Qwen 2), SentencePiece-style BPE with
//    byte fallback (LLaMA 2, Mistral), WordPiece (BERT), WordLevel and
//    Unigram, with their normalizers, pre-tokenizers, post-processors,
//    decoders and added tokens;
//  - llama2.c's `tokenizer.bin`, encoded exactly as llama2.c's run.c does.
// Loading throws qkov::Error naming the file; a loaded tokenizer is
// immutable and its const methods may be called from several threads.
#include <QString>
#include <memory>
#include <vector>

namespace qkov {

class Tokenizer
{
public:
    virtual ~Tokenizer() = default;

    // `tokenizerConfigJson` may be empty (no config: no overrides).
    static std::unique_ptr<Tokenizer> fromFiles(const QString &tokenizerJson,
                                                const QString &tokenizerConfigJson = QString());
    // `dir`/tokenizer.json, plus `dir`/tokenizer_config.json when present.
    static std::unique_ptr<Tokenizer> fromFolder(const QString &dir);
    // llama2.c tokenizer.bin; `vocabSize` 0 reads entries up to the end of the file.
    static std::unique_ptr<Tokenizer> fromLlama2c(const QString &tokenizerBin, int vocabSize = 0);

    // `addSpecialTokens` adds what the tokenizer's post-processor adds
    // (BOS for LLaMA, [CLS] ... [SEP] for BERT, nothing for GPT-2).
    virtual std::vector<int> encode(const QString &text, bool addSpecialTokens = true) const = 0;
    // Ids outside the vocabulary are skipped.
    virtual QString decode(const std::vector<int> &ids, bool skipSpecialTokens = false) const = 0;

    // The vocabulary string of `id` as stored (e.g. "Ġthe", "▁the", "##ing"),
    // for display; empty for an unknown id.
    virtual QString tokenString(int id) const = 0;
    // The id of a vocabulary string, or -1.
    virtual int tokenId(const QString &token) const = 0;

    // One more than the largest id (model vocabulary and added tokens).
    virtual int vocabSize() const = 0;
    // -1 when the tokenizer has none. BERT-style tokenizers without a BOS/EOS
    // token report [CLS] / [SEP], which play that role.
    virtual int bosId() const = 0;
    virtual int eosId() const = 0;
    virtual int padId() const = 0;
    virtual bool isSpecial(int id) const = 0;

protected:
    Tokenizer() = default;
    Tokenizer(const Tokenizer &) = delete;
    Tokenizer &operator=(const Tokenizer &) = delete;
};

} // namespace qkov
