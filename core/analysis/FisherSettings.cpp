#include "FisherSettings.h"

#include "Error.h"

#include <cmath>

namespace qkov {

QString gradientStorageName(GradientStorage s)
{
    return s == GradientStorage::BFloat16 ? QStringLiteral("bfloat16") : QStringLiteral("float32");
}

QString fisherModeName(FisherMode m)
{
    return m == FisherMode::Ema ? QStringLiteral("ema") : QStringLiteral("mean");
}

QString fisherReferenceName(FisherReferenceSet r)
{
    return r == FisherReferenceSet::TaskA ? QStringLiteral("a") : QStringLiteral("pooled");
}

void FisherSettings::validate() const
{
    if (maxLength < 2)
        throw Error(QStringLiteral("max_length"), QStringLiteral("must be at least 2 (a sample needs two tokens), not %1.").arg(maxLength));
    if (maxSamples < 0)
        throw Error(QStringLiteral("max_samples"), QStringLiteral("cannot be negative."));
    if (batchSize < 1)
        throw Error(QStringLiteral("batch_size"), QStringLiteral("must be at least 1, not %1.").arg(batchSize));
    if (memoryBudgetBytes < 0)
        throw Error(QStringLiteral("memory_budget"), QStringLiteral("cannot be negative."));
    if (!(beta > 0.0 && beta < 1.0))
        throw Error(QStringLiteral("beta"), QStringLiteral("must lie strictly between 0 and 1, not %1.").arg(beta));
    if (!(epsilon >= 0.0) || !std::isfinite(epsilon))
        throw Error(QStringLiteral("epsilon"), QStringLiteral("must be a finite number >= 0."));
    if (!(ridgeRel >= 0.0) || !std::isfinite(ridgeRel))
        throw Error(QStringLiteral("ridge_rel"), QStringLiteral("must be a finite number >= 0."));
    if (!(ridgeAbs >= 0.0) || !std::isfinite(ridgeAbs))
        throw Error(QStringLiteral("ridge_abs"), QStringLiteral("must be a finite number >= 0."));
}

} // namespace qkov
