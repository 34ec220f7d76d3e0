// The German translation, offscreen. The .ts file is complete (no
// unfinished message, placeholders, mnemonics and plural forms intact) and
// up to date with the sources (lupdate finds nothing new); the language
// preference goes through the same installUiTranslators() call as
// qkov-workbench's main(), and the window then shows German menus, docks and
// buttons, with no label or button cut off, on a light and a dark palette,
// on stories260K with a real analysis (screenshots in the build folder).
#include "AnalysisSettingsPanel.h"
#include "DarkPalette.h"
#include "FreezeGrid.h"
#include "FreezingPanel.h"
#include "HeatmapPlot.h"
#include "MainWindow.h"
#include "Preferences.h"
#include "PreferencesDialog.h"
#include "StartupScript.h"
#include "TsFile.h"
#include "UiTranslations.h"
#include "WorkbenchDocument.h"

#include <QAbstractButton>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QLabel>
#include <QLibraryInfo>
#include <QMenuBar>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStyleFactory>
#include <QTemporaryDir>
#include <QTest>

using namespace qkov;

namespace {

const QString kTsPath = QStringLiteral(QKOV_SOURCE_DIR "/translations/qkov_de.ts");

// Widgets whose text is cut: a label or button narrower than its text needs.
QStringList clippedTexts(QWidget *root)
{
    QStringList clipped;
    for (QLabel *label : root->findChildren<QLabel *>()) {
        if (!label->isVisible() || label->wordWrap() || label->text().isEmpty() || !label->pixmap().isNull())
            continue;
        // The status bar's model line may be elided by a narrow window; everything else must fit.
        if (label->minimumSizeHint().width() > label->width() + 1)
            clipped << QStringLiteral("label '%1' (%2 < %3 px)").arg(label->text()).arg(label->width()).arg(label->minimumSizeHint().width());
    }
    for (QAbstractButton *button : root->findChildren<QAbstractButton *>()) {
        if (!button->isVisible() || button->text().isEmpty())
            continue;
        if (button->sizeHint().width() > button->width() + 1)
            clipped << QStringLiteral("button '%1' (%2 < %3 px)").arg(button->text()).arg(button->width()).arg(button->sizeHint().width());
    }
    return clipped;
}

} // namespace

class TestGuiTranslation : public QObject
{
    Q_OBJECT
private:
    TsFile m_ts;
    QPalette m_startPalette;

    // The window as `qkov-workbench --task-a --task-b --run --screenshots DIR`
    // leaves it: stories260K analysed on the example tasks, screenshots written.
    bool runWindowWithScreenshots(MainWindow &window, const QString &dir)
    {
        window.resize(1440, 900);
        window.show();
        StartupOptions options;
        options.path = QStringLiteral(QKOV_SHARED_DIR "/models/stories260K");
        options.taskA = QStringLiteral(QKOV_SOURCE_DIR "/resources/examples/stories.txt");
        options.taskB = QStringLiteral(QKOV_SOURCE_DIR "/resources/examples/numbers.txt");
        options.run = true;
        options.permutations = 50; // quick; the statistics are not under test here
        options.screenshotDir = dir;
        QDir(dir).removeRecursively();
        auto *script = new StartupScript(&window, options);
        QSignalSpy finished(script, &StartupScript::finished);
        script->start();
        if (!finished.wait(240000) || finished.front().front().toInt() != 0)
            return false;
        return window.document()->result() != nullptr;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // the language preference stays out of the user's settings
        QCoreApplication::setOrganizationName(QStringLiteral("qkov-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("gui_translation"));
        m_startPalette = QApplication::palette();
        Preferences::instance().setLanguage(kSystemLanguage); // whatever an aborted run left behind
        m_ts = readTsFile(kTsPath);
        QVERIFY2(m_ts.error.isEmpty(), qPrintable(m_ts.error));
        QVERIFY(m_ts.messages.size() > 100);
        QCOMPARE(m_ts.language.left(2), QStringLiteral("de"));
    }

    void cleanup()
    {
        Preferences::instance().setLanguage(kSystemLanguage);
        installUiTranslators(QStringLiteral("en"));
        QApplication::setPalette(m_startPalette);
    }

    void tsFileIsComplete()
    {
        QStringList problems;
        for (const TsMessage &m : std::as_const(m_ts.messages)) {
            const QString where = m.context + QStringLiteral(" '") + m.source + QLatin1Char('\'');
            if (!m.type.isEmpty())
                problems << where + QStringLiteral(": type=") + m.type;
            const QStringList forms = m.numerus ? m.numerusForms : QStringList{m.translation};
            if (m.numerus && forms.size() != 2) // German: singular and plural
                problems << where + QStringLiteral(": %1 plural forms").arg(forms.size());
            for (const QString &t : forms) {
                if (t.isEmpty())
                    problems << where + QStringLiteral(": empty");
                if (placeholders(t) != placeholders(m.source))
                    problems << where + QStringLiteral(": placeholders of '%1'").arg(t);
                if (mnemonicCount(t) != mnemonicCount(m.source))
                    problems << where + QStringLiteral(": mnemonics of '%1'").arg(t);
                if (t.startsWith(QLatin1Char('\n')) != m.source.startsWith(QLatin1Char('\n'))
                    || t.startsWith(QLatin1Char(' ')) != m.source.startsWith(QLatin1Char(' '))
                    || t.endsWith(QLatin1Char(' ')) != m.source.endsWith(QLatin1Char(' ')))
                    problems << where + QStringLiteral(": leading/trailing space of '%1'").arg(t);
            }
        }
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }

    // lupdate over the same sources as the build's update_translations
    // target adds nothing: every tr() text of the GUI has its translation.
    void tsFileCoversEverySource()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString copy = dir.filePath(QStringLiteral("qkov_de.ts"));
        QVERIFY(QFile::copy(kTsPath, copy));
        QStringList args;
        for (const char *folder : {"widgets", "core/itemmodels", "core/jobs", "app/workbench"})
            args << QStringLiteral(QKOV_SOURCE_DIR "/") + QLatin1String(folder);
        args << QStringLiteral("-extensions") << QStringLiteral("cpp,h") << QStringLiteral("-no-obsolete")
             << QStringLiteral("-ts") << copy;
        QProcess lupdate;
        lupdate.start(QStringLiteral(QKOV_LUPDATE), args);
        QVERIFY(lupdate.waitForFinished(120000));
        QCOMPARE(lupdate.exitCode(), 0);
        const TsFile updated = readTsFile(copy);
        QVERIFY2(updated.error.isEmpty(), qPrintable(updated.error));
        QStringList untranslated;
        for (const TsMessage &m : updated.messages)
            if (!m.type.isEmpty())
                untranslated << m.context + QStringLiteral(": ") + m.source;
        QVERIFY2(untranslated.isEmpty(),
                 qPrintable(QStringLiteral("texts without a German translation (build the update_translations target and "
                                           "translate them in Qt Linguist):\n") + untranslated.join(QLatin1Char('\n'))));
        QCOMPARE(updated.messages.size(), m_ts.messages.size());
    }

    void languagesAndPreference()
    {
        const QList<UiLanguage> languages = availableUiLanguages();
        QVERIFY(languages.size() >= 2);
        QCOMPARE(languages.front().code, QStringLiteral("en"));
        bool german = false;
        for (const UiLanguage &l : languages)
            german = german || (l.code == QLatin1String("de") && l.nativeName == QLatin1String("Deutsch"));
        QVERIFY(german);

        QCOMPARE(Preferences::instance().language(), kSystemLanguage);
        Preferences::instance().setLanguage(QStringLiteral("de"));
        QCOMPARE(Preferences::instance().language(), QStringLiteral("de"));
        Preferences::instance().setLanguage(QStringLiteral("tlh")); // not shipped: back to the system's
        QCOMPARE(Preferences::instance().language(), kSystemLanguage);
        QCOMPARE(installUiTranslators(QStringLiteral("de")), QStringLiteral("de"));
        QCOMPARE(installedUiLanguagePreference(), QStringLiteral("de"));
        QCOMPARE(QCoreApplication::translate("qkov::MainWindow", "&File"), m_ts.tr("qkov::MainWindow", "&File"));
        // Qt's own texts (standard buttons) follow when Debian's qt6-translations-l10n is installed.
        if (QFile::exists(QLibraryInfo::path(QLibraryInfo::TranslationsPath) + QStringLiteral("/qtbase_de.qm")))
            QCOMPARE(QCoreApplication::translate("QPlatformTheme", "Cancel"), QStringLiteral("Abbrechen"));
        QCOMPARE(installUiTranslators(QStringLiteral("en")), QStringLiteral("en"));
        QCOMPARE(QCoreApplication::translate("qkov::MainWindow", "&File"), QStringLiteral("&File"));
    }

    void preferencesDialogStoresTheLanguage()
    {
        installUiTranslators(Preferences::instance().language()); // as main() does: "system"
        PreferencesDialog dialog;
        dialog.show();
        dialog.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&dialog));
        QComboBox *box = dialog.languageBox();
        QCOMPARE(dialog.selectedLanguage(), kSystemLanguage);
        QVERIFY(!dialog.restartNote()->isVisible()); // nothing to restart for
        // Keyboard only: the label's mnemonic focuses the box, the arrow keys pick German.
        QTest::keyClick(&dialog, Qt::Key_L, Qt::AltModifier);
        QVERIFY(box->hasFocus());
        for (int i = 0; i < box->count() && dialog.selectedLanguage() != QLatin1String("de"); ++i)
            QTest::keyClick(box, Qt::Key_Down);
        QCOMPARE(dialog.selectedLanguage(), QStringLiteral("de"));
        QVERIFY(dialog.restartNote()->isVisible());
        QVERIFY(dialog.restartNote()->text().contains(QLatin1String("next time")));
        QTest::keyClick(&dialog, Qt::Key_Return);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(Preferences::instance().language(), QStringLiteral("de"));
    }

    void germanWindowOnLightAndDarkPalettes_data()
    {
        QTest::addColumn<bool>("dark");
        QTest::newRow("light") << false;
        QTest::newRow("dark") << true;
    }

    void germanWindowOnLightAndDarkPalettes()
    {
        QFETCH(bool, dark);
        if (dark) {
            QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
            QApplication::setPalette(test::darkPalette());
        }
        // main()'s path: the preference decides, installUiTranslators() applies it before the window exists.
        Preferences::instance().setLanguage(QStringLiteral("de"));
        QCOMPARE(installUiTranslators(Preferences::instance().language()), QStringLiteral("de"));
        MainWindow window;
        const QString shots = QStringLiteral(QKOV_SCREENSHOT_DIR "/german-") + QLatin1String(dark ? "dark" : "light");
        QVERIFY(runWindowWithScreenshots(window, shots));
        QVERIFY(QFileInfo::exists(shots + QStringLiteral("/window.png")));

        // Menus: German titles, the same texts the .ts holds.
        QStringList menus;
        for (QAction *a : window.menuBar()->actions())
            menus << a->text();
        QCOMPARE(menus.value(0), QStringLiteral("&Datei"));
        QCOMPARE(menus, (QStringList{m_ts.tr("qkov::MainWindow", "&File"), m_ts.tr("qkov::MainWindow", "&Edit"),
                                     m_ts.tr("qkov::MainWindow", "&Analysis"), m_ts.tr("qkov::MainWindow", "&View"),
                                     m_ts.tr("qkov::MainWindow", "&Help")}));
        // Docks and buttons.
        const QList<std::pair<QString, const char *>> docks = {{QStringLiteral("ModelDock"), "Model"},
                                                               {QStringLiteral("TasksDock"), "Tasks"},
                                                               {QStringLiteral("FreezingDock"), "Freezing"},
                                                               {QStringLiteral("ConflictsDock"), "Conflicts"},
                                                               {QStringLiteral("LogDock"), "Log"}};
        for (const auto &[name, english] : docks) {
            auto *dock = window.findChild<QDockWidget *>(name);
            QVERIFY(dock);
            QCOMPARE(dock->windowTitle(), m_ts.tr("qkov::MainWindow", english));
            QVERIFY2(dock->windowTitle() != QLatin1String(english), english);
        }
        QCOMPARE(window.freezingPanel()->clearButton()->text(), QStringLiteral("Alle aufheben"));
        QCOMPARE(window.settingsPanel()->runButton()->text(), m_ts.tr("qkov::AnalysisSettingsPanel", "Run analysis"));
        QCOMPARE(window.freezingPanel()->summaryText(), m_ts.tr("qkov::FreezingPanel", "No heads frozen"));

        // Nothing cut off, in every dock (tabified docks raised in turn).
        QStringList clipped;
        for (QDockWidget *dock : window.findChildren<QDockWidget *>()) {
            dock->raise();
            QTest::qWait(20);
            for (const QString &c : clippedTexts(dock))
                clipped << dock->objectName() + QStringLiteral(": ") + c;
        }
        QVERIFY2(clipped.isEmpty(), qPrintable(clipped.join(QLatin1Char('\n'))));

        // The grid takes its colours from the palette: an unfrozen cell is the Base colour.
        FreezeGrid *grid = window.freezingPanel()->grid();
        QVERIFY(grid->isVisible());
        const QImage gridImage = grid->grab().toImage();
        const QRect cell = grid->cellRect(grid->layers() - 1, grid->heads() - 1);
        QVERIFY(cell.width() >= 28); // readable letters in the default layout
        QCOMPARE(gridImage.pixelColor(cell.center() + QPoint(cell.width() / 4, -cell.height() / 4)), grid->palette().color(QPalette::Base));
        const QList<HeatmapPlot *> plots = window.findChildren<HeatmapPlot *>();
        QVERIFY(!plots.isEmpty());
        for (HeatmapPlot *plot : plots) {
            if (!plot->isVisible())
                continue;
            const QImage image = plot->grab().toImage();
            QCOMPARE(image.pixelColor(2, 2), plot->palette().color(QPalette::Base));
        }
        window.document()->setModified(false); // no "save?" question on close
    }
};

QTEST_MAIN(TestGuiTranslation)
#include "tst_gui_translation.moc"
