#pragma once
// The Log panel: warnings and errors of the session, newest last, with time.
#include <QWidget>

class QPlainTextEdit;

namespace qkov {

class LogPanel : public QWidget
{
    Q_OBJECT
public:
    explicit LogPanel(QWidget *parent = nullptr);
    void addMessage(const QString &kind, const QString &text);
    QString text() const;

private:
    QPlainTextEdit *m_view;
};

} // namespace qkov
