#pragma once
// One error type for every user-facing failure: it names the file (or flag)
// and the problem, so the CLI prints one line and the GUI one dialog.
#include <QString>
#include <stdexcept>

namespace qkov {

class Error : public std::runtime_error
{
public:
    // `where` is the file path, flag or object the problem is about; may be empty.
    Error(const QString &where, const QString &problem);

    const QString &where() const { return m_where; }
    const QString &problem() const { return m_problem; }
    // "where: problem" (or just the problem when `where` is empty).
    QString message() const;

private:
    QString m_where;
    QString m_problem;
};

// 'name': a tensor or key quoted inside a problem text.
QString quoted(const QString &name);

} // namespace qkov
