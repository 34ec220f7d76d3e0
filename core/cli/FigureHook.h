#pragma once
// `qkov analyze --pdf` renders figures with the widgets library (QCustomPlot),
// which core/ must not depend on. The `qkov` entry point installs the
// renderer here; without one, --pdf is refused with a clear message.
#include <QStringList>
#include <functional>

namespace qkov {
struct AnalysisResult;
}

namespace qkov::cli {

// Writes the figures of `result` into `dir` and returns their paths; throws qkov::Error.
using FigureExporter = std::function<QStringList(const AnalysisResult &result, const QString &dir)>;

void setFigureExporter(FigureExporter exporter);
const FigureExporter &figureExporter();

} // namespace qkov::cli
