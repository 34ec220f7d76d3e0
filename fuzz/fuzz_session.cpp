// .qkov session files (core/session SessionFile::load): the safetensors
// container, the format version, the session JSON (SessionJson) and every
// tensor checked against it.
#include "FuzzSupport.h"
#include "session/SessionFile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString path = qkov::fuzz::inputFile(QStringLiteral("session.qkov"), data, size);
    qkov::fuzz::expectCleanFailure(path, [&] { qkov::SessionFile::load(path); });
    return 0;
}
