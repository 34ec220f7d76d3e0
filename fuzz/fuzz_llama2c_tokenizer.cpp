// llama2.c tokenizer.bin (core/tokenizer Llama2cTokenizer): the header, the
// per-token score/length/bytes records, then run.c's merge loop on a few
// texts with whatever pieces and scores the file holds.
#include "FuzzSupport.h"
#include "tokenizer/Tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString path = qkov::fuzz::inputFile(QStringLiteral("tokenizer.bin"), data, size);
    // The first byte picks a declared vocabulary size (0 = read to the end).
    const int vocabSize = size > 0 ? data[0] % 8 : 0;
    qkov::fuzz::expectCleanFailure(path, [&] {
        const auto tokenizer = qkov::Tokenizer::fromLlama2c(path, vocabSize);
        for (const QString &text : {QStringLiteral("Once upon a time"), QStringLiteral("h\u00e9llo \u65e5\u672c \U0001F600\n")}) {
            const std::vector<int> ids = tokenizer->encode(text, true);
            for (int id : ids)
                if (id < 0 || id >= tokenizer->vocabSize())
                    std::abort();
            tokenizer->decode(ids, false);
        }
    });
    return 0;
}
