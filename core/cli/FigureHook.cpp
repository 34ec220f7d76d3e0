#include "FigureHook.h"

namespace qkov::cli {

static FigureExporter &storage()
{
    static FigureExporter exporter;
    return exporter;
}

void setFigureExporter(FigureExporter exporter)
{
    storage() = std::move(exporter);
}

const FigureExporter &figureExporter()
{
    return storage();
}

} // namespace qkov::cli
