#include "AnalysisSettings.h"

#include "Error.h"

#include <QJsonValue>
#include <QRegularExpression>

#include <cmath>
#include <limits>

namespace qkov {

namespace {

// Doubles hold every integer up to 2^53 exactly; larger seeds go to JSON as strings.
constexpr double kMaxExactInteger = 9007199254740992.0;
constexpr int kMaxResamples = 100'000; // the statistics stage draws at most this many (Statistics.cpp)

QString jsonTypeName(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return QStringLiteral("a boolean");
    case QJsonValue::Double: return QStringLiteral("a number");
    case QJsonValue::String: return QStringLiteral("a string");
    case QJsonValue::Array: return QStringLiteral("an array");
    case QJsonValue::Object: return QStringLiteral("an object");
    case QJsonValue::Undefined: break;
    }
    return QStringLiteral("undefined");
}

// Reads typed settings out of one JSON object; a missing key keeps the default.
class SettingsReader
{
public:
    SettingsReader(const QJsonObject &json, const QString &where) : m_json(json), m_where(where) {}

    void read(const char *key, QString &out) const
    {
        const QJsonValue v = m_json.value(QLatin1String(key));
        if (v.isUndefined())
            return;
        if (!v.isString())
            throw wrongType(key, QStringLiteral("a string"), v);
        out = v.toString();
    }
    void read(const char *key, bool &out) const
    {
        const QJsonValue v = m_json.value(QLatin1String(key));
        if (v.isUndefined())
            return;
        if (!v.isBool())
            throw wrongType(key, QStringLiteral("true or false"), v);
        out = v.toBool();
    }
    void read(const char *key, double &out) const
    {
        const QJsonValue v = m_json.value(QLatin1String(key));
        if (v.isUndefined())
            return;
        if (!v.isDouble())
            throw wrongType(key, QStringLiteral("a number"), v);
        out = v.toDouble();
    }
    void read(const char *key, int &out) const
    {
        int64_t wide = out;
        readInteger(key, wide, std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
        out = int(wide);
    }
    void read(const char *key, int64_t &out) const
    {
        readInteger(key, out, -int64_t(kMaxExactInteger), int64_t(kMaxExactInteger));
    }
    // A seed: an integer number, or a decimal string for values past 2^53.
    void read(const char *key, uint64_t &out) const
    {
        const QJsonValue v = m_json.value(QLatin1String(key));
        if (v.isUndefined())
            return;
        if (v.isDouble()) {
            const double d = v.toDouble();
            if (!(d >= 0 && d <= kMaxExactInteger) || std::floor(d) != d)
                throw Error(m_where, QStringLiteral("setting '%1' must be a whole number from 0 to 2^53 (larger seeds as a decimal string), got %2")
                                         .arg(QLatin1String(key)).arg(d));
            out = uint64_t(d);
            return;
        }
        if (v.isString()) {
            bool ok = false;
            const QString text = v.toString();
            const qulonglong parsed = text.toULongLong(&ok);
            if (!ok || !QRegularExpression(QStringLiteral("^[0-9]+$")).match(text).hasMatch())
                throw Error(m_where, QStringLiteral("setting '%1' must be a decimal number from 0 to 2^64-1, got '%2'")
                                         .arg(QLatin1String(key), text));
            out = uint64_t(parsed);
            return;
        }
        throw wrongType(key, QStringLiteral("a whole number"), v);
    }

private:
    void readInteger(const char *key, int64_t &out, int64_t low, int64_t high) const
    {
        const QJsonValue v = m_json.value(QLatin1String(key));
        if (v.isUndefined())
            return;
        if (!v.isDouble())
            throw wrongType(key, QStringLiteral("a whole number"), v);
        const double d = v.toDouble();
        if (std::floor(d) != d || d < double(low) || d > double(high))
            throw Error(m_where, QStringLiteral("setting '%1' must be a whole number from %2 to %3, got %4")
                                     .arg(QLatin1String(key)).arg(low).arg(high).arg(d));
        out = int64_t(d);
    }
    Error wrongType(const char *key, const QString &expected, const QJsonValue &got) const
    {
        return Error(m_where, QStringLiteral("setting '%1' must be %2, got %3").arg(QLatin1String(key), expected, jsonTypeName(got)));
    }

    const QJsonObject &m_json;
    QString m_where;
};

void requireChoice(const char *flag, const QString &value, const QStringList &choices)
{
    if (choices.contains(value))
        return;
    QString listed = choices.front();
    for (int i = 1; i < choices.size(); ++i)
        listed += (i + 1 == choices.size() ? QStringLiteral(" or ") : QStringLiteral(", ")) + choices[i];
    throw Error(QLatin1String(flag), QStringLiteral("must be %1, got '%2'").arg(listed, value));
}

void requireAtLeast(const char *flag, int64_t value, int64_t minimum, const QString &unit = QString())
{
    if (value < minimum)
        throw Error(QLatin1String(flag), QStringLiteral("must be at least %1%2, got %3").arg(minimum).arg(unit).arg(value));
}

void requireAtMost(const char *flag, int64_t value, int64_t maximum)
{
    if (value > maximum)
        throw Error(QLatin1String(flag), QStringLiteral("must be at most %1, got %2").arg(maximum).arg(value));
}

void requireOpenUnitInterval(const char *flag, double value)
{
    if (!(value > 0.0 && value < 1.0)) // also refuses NaN
        throw Error(QLatin1String(flag), QStringLiteral("must lie strictly between 0 and 1, got %1").arg(value));
}

void requireNonNegative(const char *flag, double value)
{
    if (!(value >= 0.0) || !std::isfinite(value))
        throw Error(QLatin1String(flag), QStringLiteral("must be a finite number of at least 0, got %1").arg(value));
}

} // namespace

QJsonObject AnalysisSettings::toJson() const
{
    QJsonObject json;
    json.insert(QStringLiteral("max_length"), maxLength);
    json.insert(QStringLiteral("max_samples"), maxSamples);
    json.insert(QStringLiteral("batch_size"), batchSize);
    json.insert(QStringLiteral("include_bias"), includeBias);
    json.insert(QStringLiteral("fisher"), fisher);
    json.insert(QStringLiteral("beta"), beta);
    json.insert(QStringLiteral("fisher_ref"), fisherRef);
    json.insert(QStringLiteral("epsilon"), epsilon);
    json.insert(QStringLiteral("ridge_rel"), ridgeRel);
    json.insert(QStringLiteral("ridge_abs"), ridgeAbs);
    json.insert(QStringLiteral("variant"), variant);
    json.insert(QStringLiteral("top_k"), topK);
    json.insert(QStringLiteral("permutations"), permutations);
    json.insert(QStringLiteral("bootstrap"), bootstrap);
    json.insert(QStringLiteral("alpha"), alpha);
    json.insert(QStringLiteral("min_effect"), minEffect);
    json.insert(QStringLiteral("fdr_family"), fdrFamily);
    if (double(seed) <= kMaxExactInteger)
        json.insert(QStringLiteral("seed"), double(seed));
    else
        json.insert(QStringLiteral("seed"), QString::number(qulonglong(seed)));
    json.insert(QStringLiteral("threads"), threads);
    json.insert(QStringLiteral("memory_budget_mb"), double(memoryBudgetMB));
    json.insert(QStringLiteral("gradient_storage"), gradientStorage);
    json.insert(QStringLiteral("device"), device);
    json.insert(QStringLiteral("freeze"), freeze);
    return json;
}

AnalysisSettings AnalysisSettings::fromJson(const QJsonObject &json, const QString &where)
{
    AnalysisSettings s;
    const SettingsReader r(json, where);
    r.read("max_length", s.maxLength);
    r.read("max_samples", s.maxSamples);
    r.read("batch_size", s.batchSize);
    r.read("include_bias", s.includeBias);
    r.read("fisher", s.fisher);
    r.read("beta", s.beta);
    r.read("fisher_ref", s.fisherRef);
    r.read("epsilon", s.epsilon);
    r.read("ridge_rel", s.ridgeRel);
    r.read("ridge_abs", s.ridgeAbs);
    r.read("variant", s.variant);
    r.read("top_k", s.topK);
    r.read("permutations", s.permutations);
    r.read("bootstrap", s.bootstrap);
    r.read("alpha", s.alpha);
    r.read("min_effect", s.minEffect);
    r.read("fdr_family", s.fdrFamily);
    r.read("seed", s.seed);
    r.read("threads", s.threads);
    r.read("memory_budget_mb", s.memoryBudgetMB);
    r.read("gradient_storage", s.gradientStorage);
    r.read("device", s.device);
    r.read("freeze", s.freeze);
    return s;
}

void AnalysisSettings::validate() const
{
    requireAtLeast("--max-length", maxLength, 2, QStringLiteral(" (a sample needs two tokens)"));
    requireAtLeast("--max-samples", maxSamples, 0, QStringLiteral(" (0 = all records)"));
    requireAtLeast("--batch-size", batchSize, 1);
    requireChoice("--fisher", fisher, {QStringLiteral("mean"), QStringLiteral("ema")});
    requireOpenUnitInterval("--beta", beta);
    requireChoice("--fisher-ref", fisherRef, {QStringLiteral("pooled"), QStringLiteral("a")});
    // eps > 0 keeps C / I_reg finite even for an all-zero Fisher tensor with no ridge.
    if (!(epsilon > 0.0) || !std::isfinite(epsilon))
        throw Error(QStringLiteral("--epsilon"), QStringLiteral("must be a finite number greater than 0, got %1").arg(epsilon));
    requireNonNegative("--ridge-rel", ridgeRel);
    requireNonNegative("--ridge-abs", ridgeAbs);
    requireChoice("--variant", variant, {QStringLiteral("abs"), QStringLiteral("signed"), QStringLiteral("symmetric")});
    requireAtLeast("--top-k", topK, 1);
    requireAtLeast("--permutations", permutations, 0); // 0: scores without p-values
    requireAtMost("--permutations", permutations, kMaxResamples);
    requireAtLeast("--bootstrap", bootstrap, 1);
    requireAtMost("--bootstrap", bootstrap, kMaxResamples);
    requireOpenUnitInterval("--alpha", alpha);
    requireNonNegative("--min-effect", minEffect);
    requireChoice("--fdr-family", fdrFamily, {QStringLiteral("block"), QStringLiteral("all")});
    requireAtLeast("--threads", threads, 0, QStringLiteral(" (0 = all cores)"));
    requireAtLeast("--memory-budget", memoryBudgetMB, 64, QStringLiteral(" MB"));
    requireChoice("--gradient-storage", gradientStorage, {QStringLiteral("float32"), QStringLiteral("bfloat16")});
    if (!QRegularExpression(QStringLiteral("^(cpu|cuda(:[0-9]+)?)$")).match(device).hasMatch())
        throw Error(QStringLiteral("--device"), QStringLiteral("must be cpu, cuda or cuda:N, got '%1'").arg(device));
    // The freeze SPEC is parsed (and its heads checked against the model) by core/freeze.
}

} // namespace qkov
