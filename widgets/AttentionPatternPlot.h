#pragma once
// One head's attention pattern on the probe prompt, baseline and frozen side
// by side: query tokens as rows (first token at the top), key tokens as
// columns, attention probability 0..1 on one shared viridis scale.
#include <qcustomplot.h>

#include <QStringList>
#include <vector>

namespace qkov {

class AttentionPatternPlot : public QCustomPlot
{
    Q_OBJECT
public:
    explicit AttentionPatternPlot(QWidget *parent = nullptr);

    // `baseline` and `frozen` are [T * T], query-major; T = tokens.size().
    void setPatterns(const QString &title, const QStringList &tokens, const std::vector<float> &baseline,
                     const std::vector<float> &frozen);
    // Shows `message` instead of a pattern.
    void clearPatterns(const QString &message);

    QCPColorMap *baselineMap() const { return m_baseline; }
    // Every how many tokens the key (bottom) and query (left) axes name one:
    // as many as fit without overlapping at the current size.
    int keyLabelStride() const { return m_keyStride; }
    int queryLabelStride() const { return m_queryStride; }
    QCPColorMap *frozenMap() const { return m_frozen; }
    void applyPalette();

protected:
    bool event(QEvent *event) override;

private:
    void setupAxes(QCPAxisRect *rect, const QString &title);
    void fill(QCPColorMap *map, const std::vector<float> &values, int T);
    // Sets the axes' tickers for the rects' current sizes; true if changed.
    bool updateTokenLabels();

    QCPTextElement *m_title;
    QCPAxisRect *m_baselineRect;
    QCPAxisRect *m_frozenRect;
    QCPColorMap *m_baseline;
    QCPColorMap *m_frozen;
    QCPColorScale *m_scale;
    QStringList m_tokens;
    int m_keyStride = 0, m_queryStride = 0;
    QSize m_labelledAt; // the widget size the labels were thinned for
};

} // namespace qkov
