#pragma once
// The centre page once a model is open: the facts a researcher checks first.
#include <QWidget>

class QLabel;

namespace qkov { class HeadGroupsView; }

namespace qkov {

struct LoadedModel;

class ModelOverview : public QWidget
{
    Q_OBJECT
public:
    explicit ModelOverview(QWidget *parent = nullptr);
    void showModel(const LoadedModel &model);
    QString text() const;

private:
    QLabel *m_label;
    QLabel *m_gridTitle;
    HeadGroupsView *m_grid;
};

} // namespace qkov
