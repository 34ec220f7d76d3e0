#pragma once
// The four blocks (Q, K, V, O) side by side on one shared colour scale, and
// the block means as bars: which circuit do the two tasks compete over?
#include <qcustomplot.h>

#include <array>
#include <vector>

namespace qkov {

struct BlockComparisonData
{
    QString title;
    QString valueLabel;
    int layers = 0;
    int heads = 0;
    std::array<std::vector<double>, 4> values; // Q, K, V, O heatmaps [layers * heads]
    std::array<std::vector<uint8_t>, 4> flagged;
    bool diverging = false;
};

class BlockComparisonPlot : public QCustomPlot
{
    Q_OBJECT
public:
    explicit BlockComparisonPlot(QWidget *parent = nullptr);
    void setData(const BlockComparisonData &data);
    void applyPalette();
    bool exportPdf(const QString &path);
    bool exportPng(const QString &path, int dpi = 300);
    QSize preferredExportSize() const;

protected:
    bool event(QEvent *event) override;

private:
    BlockComparisonData m_data;
};

} // namespace qkov
