#pragma once
// The summary of an analysis as `qkov analyze --json` and `qkov session --json`
// print it (CLI.md keys), and the same as readable text.
#include <QJsonObject>

class QTextStream;

namespace qkov {

struct AnalysisResult;

// {"model", "tasks": {"a": {"name", "n"}, "b"}, "blocks": {"Q": {"heatmap",
// "p", "q", "z", "flagged", ...}, ...}, "top_conflicts": [...], "timings"},
// plus "architecture", "layers", "heads", "kv_heads", "settings", "warnings".
// [L, H] arrays are nested lists, rows = layers; sample_a/sample_b are sample ids.
QJsonObject sessionSummaryJson(const AnalysisResult &result);

// Model, tasks with n, settings, per block the `topHeads` heads with the
// largest mean score and the number flagged, top conflicts, timings, warnings.
void writeSessionSummaryText(QTextStream &out, const AnalysisResult &result, int topHeads = 5);

} // namespace qkov
