#pragma once
// Figures of an analysis result: the per-block heatmaps and the block
// comparison, as on screen and as publication PDFs (`qkov analyze --pdf` and
// File > Export use the same code).
#include "BlockComparisonPlot.h"
#include "HeatmapPlot.h"

#include <QStringList>

namespace qkov {

struct AnalysisResult;

// The model as figure titles name it: its folder or file name.
QString figureModelName(const AnalysisResult &result);
// block: 0..3 for Q, K, V, O.
HeatmapData heatmapDataFor(const AnalysisResult &result, int block);
BlockComparisonData comparisonDataFor(const AnalysisResult &result);
// Writes <dir>/heatmap_Q.pdf ... heatmap_O.pdf and block_comparison.pdf
// (creating dir). Needs a QApplication (offscreen is fine). Returns the
// paths; throws qkov::Error naming the file that could not be written.
QStringList exportAnalysisFigures(const AnalysisResult &result, const QString &dir);

} // namespace qkov
