#pragma once
// The session JSON of a .qkov file (SESSION.md): everything but the tensors.
// Used by SessionFile; separate so that the JSON mapping reads on its own.
#include "AnalysisResult.h"

#include <QJsonObject>
#include <QString>
#include <array>

namespace qkov {

// `sessionPath` is where the file goes: model and task paths are stored
// relative to its folder as well as absolute. Lists the tensors the file
// holds (blocks present, Fisher and gradient shapes) so loading can check them.
QJsonObject sessionToJson(const AnalysisResult &result, const QString &sessionPath);

struct SessionJsonContents
{
    // Every non-tensor field filled; fisher/gradients hold shapes, no values.
    AnalysisResult result;
    std::array<bool, 4> blockPresent{};
};

// Reads the session JSON back. Paths resolve relative to the session's folder
// first (a project folder that moved), then absolute. Throws one
// qkov::Error(sessionPath, ...) naming the key for any missing key, wrong type
// or out-of-range value.
SessionJsonContents sessionFromJson(const QJsonObject &json, const QString &sessionPath);

} // namespace qkov
