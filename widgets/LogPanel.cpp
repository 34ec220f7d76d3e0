#include "LogPanel.h"

#include <QPlainTextEdit>
#include <QTime>
#include <QVBoxLayout>

namespace qkov {

LogPanel::LogPanel(QWidget *parent) : QWidget(parent), m_view(new QPlainTextEdit(this))
{
    m_view->setReadOnly(true);
    m_view->setMaximumBlockCount(5000);
    m_view->setAccessibleName(tr("Log"));
    m_view->setPlaceholderText(tr("Warnings of the analyses (skipped records, degenerate references, ridge dominance) and errors appear here."));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(m_view);
}

void LogPanel::addMessage(const QString &kind, const QString &text)
{
    m_view->appendPlainText(QStringLiteral("%1  %2  %3").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), kind, text));
}

QString LogPanel::text() const
{
    return m_view->toPlainText();
}

} // namespace qkov
