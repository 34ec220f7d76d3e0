// tokenizer.json (core/tokenizer HfTokenizer): models (BPE, WordPiece,
// WordLevel, Unigram), normalizers, pre-tokenizers, post-processors,
// decoders and added tokens as a hostile file describes them; a tokenizer
// that loads then encodes and decodes a few texts, since components built
// from odd settings only show their faults when used.
#include "FuzzSupport.h"
#include "tokenizer/Tokenizer.h"

namespace {

const QString kTexts[] = {
    QStringLiteral("Once upon a time, there was a little girl."),
    QStringLiteral("  Hello\tworld!\n123 4567 h\u00e9llo \u65e5\u672c\u8a9e <s>[CLS]</s><|endoftext|> \U0001F600"),
    QString(),
};

void exercise(const qkov::Tokenizer &tokenizer)
{
    for (const QString &text : kTexts) {
        for (bool special : {true, false}) {
            const std::vector<int> ids = tokenizer.encode(text, special);
            for (int id : ids)
                if (id < 0 || id >= tokenizer.vocabSize()) {
                    std::fprintf(stderr, "fuzz: id %d outside the vocabulary of %d for \"%s\"\n", id, tokenizer.vocabSize(), qPrintable(text));
                    std::abort(); // an id outside the vocabulary the tokenizer reports
                }
            tokenizer.decode(ids, !special);
        }
    }
    for (int id : {-1, 0, 1, tokenizer.vocabSize() - 1, tokenizer.vocabSize()})
        tokenizer.tokenId(tokenizer.tokenString(id));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString path = qkov::fuzz::inputFile(QStringLiteral("tokenizer.json"), data, size);
    qkov::fuzz::expectCleanFailure(path, [&] { exercise(*qkov::Tokenizer::fromFiles(path)); });
    return 0;
}
