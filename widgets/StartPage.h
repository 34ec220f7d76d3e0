#pragma once
// What an empty window shows: the ways in, and the recent models.
#include <QWidget>

class QListWidget;
class QPushButton;

namespace qkov {

class StartPage : public QWidget
{
    Q_OBJECT
public:
    explicit StartPage(QWidget *parent = nullptr);
    void setRecentModels(const QStringList &paths);
    QPushButton *openModelButton() const { return m_openModel; }
    QPushButton *openDemoButton() const { return m_openDemo; }

Q_SIGNALS:
    void openModelRequested();
    void openSessionRequested();
    void openDemoRequested();
    void openRecentRequested(const QString &path);

private:
    QPushButton *m_openModel;
    QPushButton *m_openDemo;
    QPushButton *m_openSession;
    QListWidget *m_recent;
};

} // namespace qkov
