#include "Error.h"

namespace qkov {

static std::string joined(const QString &where, const QString &problem)
{
    return (where.isEmpty() ? problem : where + QStringLiteral(": ") + problem).toStdString();
}

Error::Error(const QString &where, const QString &problem)
    : std::runtime_error(joined(where, problem)), m_where(where), m_problem(problem)
{
}

QString Error::message() const
{
    return QString::fromStdString(what());
}

QString quoted(const QString &name)
{
    return QLatin1Char('\'') + name + QLatin1Char('\'');
}

} // namespace qkov
