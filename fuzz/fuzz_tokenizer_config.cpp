// tokenizer_config.json (core/tokenizer HfTokenizer::applyConfig): special
// token names as strings or objects, add_bos/add_eos overrides, the
// tokenizer class, beside a real tokenizer.json (stories260K's LLaMA one).
#include "FuzzSupport.h"
#include "tokenizer/Tokenizer.h"

#include <QFileInfo>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const QString tokenizerJson = QStringLiteral(QKOV_SHARED_DIR "/models/stories260K/tokenizer.json");
    if (!QFileInfo::exists(tokenizerJson)) {
        std::fprintf(stderr, "fuzz: %s is missing\n", qPrintable(tokenizerJson));
        std::abort();
    }
    const QString path = qkov::fuzz::inputFile(QStringLiteral("tokenizer_config.json"), data, size);
    qkov::fuzz::expectCleanFailure(path, [&] {
        const auto tokenizer = qkov::Tokenizer::fromFiles(tokenizerJson, path);
        for (bool special : {true, false}) {
            const std::vector<int> ids = tokenizer->encode(QStringLiteral("Once upon a time <s> </s>"), special);
            for (int id : ids)
                if (id < 0 || id >= tokenizer->vocabSize())
                    std::abort();
            tokenizer->decode(ids, special);
        }
        for (int id : {tokenizer->bosId(), tokenizer->eosId(), tokenizer->padId()})
            if (id < -1 || id >= tokenizer->vocabSize())
                std::abort(); // a special id the vocabulary does not have
    });
    return 0;
}
