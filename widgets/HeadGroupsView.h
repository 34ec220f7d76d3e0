#pragma once
// A layer x head grid that shows how query heads share key/value heads
// (grouped-query attention): one colour per KV group, the head number in
// each cell. The same grid layout the heatmaps use, so it reads the same way.
#include <QWidget>

namespace qkov {

class HeadGroupsView : public QWidget
{
    Q_OBJECT
public:
    explicit HeadGroupsView(QWidget *parent = nullptr);
    // heads query heads per layer; kvHeads key/value heads (query head h uses h / (heads / kvHeads)).
    void setShape(int layers, int heads, int kvHeads);
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    int cellSize() const;
    int m_layers = 0;
    int m_heads = 0;
    int m_kvHeads = 0;
};

} // namespace qkov
