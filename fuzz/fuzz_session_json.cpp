// The session JSON alone (core/session sessionFromJson): keys, types,
// ranges, settings, tasks, tensor shapes, conflicts, paths. Input that is
// not a JSON object is skipped: the container's checks are fuzz_session's.
#include "FuzzSupport.h"
#include "session/SessionJson.h"

#include <QJsonDocument>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QJsonDocument doc = QJsonDocument::fromJson(qkov::fuzz::inputBytes(data, size));
    if (!doc.isObject())
        return 0;
    const QString path = qkov::fuzz::scratchPath(QStringLiteral("session.qkov"));
    qkov::fuzz::expectCleanFailure(path, [&] { qkov::sessionFromJson(doc.object(), path); });
    return 0;
}
