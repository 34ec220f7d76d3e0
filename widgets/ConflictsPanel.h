#pragma once
// The Conflicts panel (GUI.md "Conflicts table"): the result's top
// conflicting sample pairs, sortable and filterable by block, layer/head
// (optionally following the selected head), FDR flag and a text search over
// both samples. Selecting a row selects its head; Ctrl+C copies the selected
// rows as TSV; "Export CSV..." writes every visible row.
#include <QWidget>

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace qkov {

class ConflictsFilterProxy;
class ConflictsModel;
class WorkbenchDocument;

class ConflictsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ConflictsPanel(WorkbenchDocument *document, QWidget *parent = nullptr);

    QTableView *view() const { return m_view; }
    ConflictsModel *model() const { return m_model; }
    ConflictsFilterProxy *proxy() const { return m_proxy; }
    QComboBox *blockFilter() const { return m_block; }
    QComboBox *layerFilter() const { return m_layer; }
    QComboBox *headFilter() const { return m_head; }
    QCheckBox *followSelection() const { return m_follow; }
    QCheckBox *flaggedOnly() const { return m_flagged; }
    QLineEdit *searchField() const { return m_search; }
    QAction *copyAction() const { return m_copy; }

    // The selected rows (in view order) as TSV with a header line; "" if none.
    QString selectedRowsAsTsv() const;
    void copySelection() const;
    // Writes the visible rows (in view order) as CSV (RFC 4180) with a header
    // line. Throws qkov::Error naming the file on failure.
    void exportCsv(const QString &path) const;

private:
    void showResult();
    void rebuildLayerHeadChoices();
    void followHead(int layer, int head);
    void rowSelected();
    void exportInteractively();
    void updateStatus();
    QList<int> sourceRowsInViewOrder(bool selectedOnly) const;

    WorkbenchDocument *m_document;
    ConflictsModel *m_model;
    ConflictsFilterProxy *m_proxy;
    QTableView *m_view;
    QComboBox *m_block;
    QComboBox *m_layer;
    QComboBox *m_head;
    QCheckBox *m_follow;
    QCheckBox *m_flagged;
    QLineEdit *m_search;
    QPushButton *m_exportButton;
    QLabel *m_status;
    QAction *m_copy;
    bool m_selectingFromTable = false;
};

} // namespace qkov
