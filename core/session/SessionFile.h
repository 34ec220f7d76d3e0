#pragma once
// The .qkov session file (SESSION.md): a safetensors file whose metadata holds
// the session JSON and whose tensors hold every number of the analysis, so
// any safetensors reader can open it and this program reloads it without
// recomputing anything.
#include "AnalysisResult.h"

#include <QString>

namespace qkov {

class SessionFile
{
public:
    static constexpr int formatVersion = 1; // "qkov.version" this build writes and reads up to

    // Writes `result` atomically (temporary file in the same folder, then a
    // rename). Throws qkov::Error naming `path` if the result is inconsistent
    // (array sizes against layers x heads and sample counts) or the write
    // fails; a previous file at `path` is then left as it was.
    static void save(const AnalysisResult &result, const QString &path);

    // Reads and checks a session: the safetensors header, the format version,
    // the session JSON's keys and types, and every tensor's presence, dtype
    // and shape against the JSON. Any problem: one qkov::Error naming `path`.
    static AnalysisResult load(const QString &path);
};

} // namespace qkov
