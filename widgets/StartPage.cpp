#include "StartPage.h"

#include <QDateTime>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace qkov {

StartPage::StartPage(QWidget *parent)
    : QWidget(parent), m_openModel(new QPushButton(tr("Open model..."), this)),
      m_openDemo(new QPushButton(tr("Open demo"), this)), m_openSession(new QPushButton(tr("Open session..."), this)),
      m_recent(new QListWidget(this))
{
    auto *title = new QLabel(tr("QKOV Workbench"), this);
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 2.0);
    titleFont.setBold(true);
    title->setFont(titleFont);
    auto *subtitle = new QLabel(tr("Which attention heads do two tasks fight over? Open a model, load two tasks and run "
                                   "the analysis (F5). Drop a model folder, a .safetensors file, a llama2.c .bin or a "
                                   ".qkov session anywhere on this window."), this);
    subtitle->setWordWrap(true);

    m_openModel->setDefault(true);
    m_openModel->setToolTip(tr("A HuggingFace folder (config.json + safetensors), a .safetensors file, or a llama2.c checkpoint (Ctrl+O)"));
    m_openDemo->setToolTip(tr("A small model trained here on two tasks with a known induction circuit; "
                              "opens with both tasks loaded (trained once, in about a minute)"));
    m_openSession->setToolTip(tr("Reopen a saved .qkov analysis session (Ctrl+Shift+O)"));

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_openModel);
    buttons->addWidget(m_openDemo);
    buttons->addWidget(m_openSession);
    buttons->addStretch(1);

    auto *recentLabel = new QLabel(tr("Recent models and sessions"), this);
    QFont bold = recentLabel->font();
    bold.setBold(true);
    recentLabel->setFont(bold);
    m_recent->setAccessibleName(tr("Recent models"));

    auto *column = new QVBoxLayout;
    column->addWidget(title);
    column->addWidget(subtitle);
    column->addSpacing(16);
    column->addLayout(buttons);
    column->addSpacing(16);
    column->addWidget(recentLabel);
    column->addWidget(m_recent, 1);

    auto *outer = new QHBoxLayout(this);
    outer->addStretch(1);
    outer->addLayout(column, 4);
    outer->addStretch(1);

    connect(m_openModel, &QPushButton::clicked, this, &StartPage::openModelRequested);
    connect(m_openSession, &QPushButton::clicked, this, &StartPage::openSessionRequested);
    connect(m_openDemo, &QPushButton::clicked, this, &StartPage::openDemoRequested);
    connect(m_recent, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        Q_EMIT openRecentRequested(item->data(Qt::UserRole).toString());
    });
}

void StartPage::setRecentModels(const QStringList &paths)
{
    m_recent->clear();
    for (const QString &path : paths) {
        const QFileInfo info(path);
        const QString when = info.exists() ? QLocale().toString(info.lastModified(), QLocale::ShortFormat) : tr("missing");
        auto *item = new QListWidgetItem(QStringLiteral("%1\n    %2  (%3)").arg(info.fileName(), path, when), m_recent);
        item->setData(Qt::UserRole, path);
        item->setToolTip(path);
        if (!info.exists())
            item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
    }
    if (paths.isEmpty()) {
        auto *item = new QListWidgetItem(tr("No recent models yet."), m_recent);
        item->setFlags(Qt::NoItemFlags);
    }
}

} // namespace qkov
