// config.json (core/model ModelConfig::fromJson through ConfigReader): every
// family's keys, aliases, nested towers and bounds.
#include "FuzzSupport.h"
#include "model/ModelConfig.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString path = QStringLiteral("fuzz/config.json");
    qkov::fuzz::expectCleanFailure(path, [&] { qkov::ModelConfig::fromJson(qkov::fuzz::inputBytes(data, size), path); });
    return 0;
}
