// Benjamini-Hochberg q-values and the FDR family setting (declared in
// Statistics.h).
#include "Statistics.h"

#include "Error.h"

#include <algorithm>
#include <numeric>

namespace qkov {

QString fdrFamilyName(FdrFamily family)
{
    return family == FdrFamily::Block ? QStringLiteral("block") : QStringLiteral("all");
}

FdrFamily parseFdrFamily(const QString &name, const QString &where)
{
    if (name == fdrFamilyName(FdrFamily::Block))
        return FdrFamily::Block;
    if (name == fdrFamilyName(FdrFamily::All))
        return FdrFamily::All;
    throw Error(where, QStringLiteral("unknown FDR family '%1' (expected block or all)").arg(name));
}

std::vector<double> benjaminiHochberg(const std::vector<double> &pValues)
{
    const size_t m = pValues.size();
    for (size_t i = 0; i < m; ++i) {
        if (!(pValues[i] >= 0.0 && pValues[i] <= 1.0)) // also rejects NaN
            throw Error(QStringLiteral("Benjamini-Hochberg"),
                        QStringLiteral("p-value %1 (%2) is not in [0, 1]").arg(i).arg(pValues[i]));
    }
    std::vector<size_t> order(m);
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return pValues[a] < pValues[b]; });

    // q_(k) = min over k' >= k of p_(k') / (k' / m), then clipped at 1. The
    // division by k/m (not multiplication by m/k) rounds as statsmodels does.
    std::vector<double> q(m);
    double running = 1.0;
    for (size_t k = m; k-- > 0;) {
        const double raw = pValues[order[k]] / (double(k + 1) / double(m));
        running = std::min(running, raw);
        q[order[k]] = running;
    }
    return q;
}

} // namespace qkov
