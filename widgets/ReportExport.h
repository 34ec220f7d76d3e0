#pragma once
// The analysis report as one multi-page vector PDF (QPdfWriter + QPainter):
// page 1 the run itself (model, tasks with their sample counts, every
// analysis setting, seeds, a per-block summary, warnings), then one page per
// block heatmap with its flagged heads, the block comparison, and the top
// conflicts table (paginated, text previews elided). Needs a QApplication
// (offscreen is fine).
#include <QString>

namespace qkov {

struct AnalysisResult;

// Throws qkov::Error naming `pdfPath` when the result is empty or the file
// cannot be written; never leaves a half-written file behind.
void exportReport(const AnalysisResult &result, const QString &pdfPath);

} // namespace qkov
