#include "FreezeSet.h"

#include "Error.h"
#include "Translate.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QStringList>

namespace qkov {

namespace {

const QString kWhere = QStringLiteral("--freeze");

bool overlaps(const FreezeEntry &a, const FreezeEntry &b)
{
    return a.layer == b.layer && a.head == b.head && a.circuit != b.circuit
           && (a.circuit == FreezeCircuit::Head || b.circuit == FreezeCircuit::Head);
}

FreezeCircuit parseCircuit(const QString &part, const QString &text)
{
    const QString t = text.toLower();
    if (t == QLatin1String("qk"))
        return FreezeCircuit::QK;
    if (t == QLatin1String("ov"))
        return FreezeCircuit::OV;
    if (t == QLatin1String("head"))
        return FreezeCircuit::Head;
    throw Error(kWhere, tr("'%1': the circuit '%2' is not qk, ov or head.").arg(part, text));
}

bool parseMethod(const QString &text, FreezeMethod &method)
{
    const QString t = text.toLower();
    for (FreezeMethod m : {FreezeMethod::Zero, FreezeMethod::Mean, FreezeMethod::Noise, FreezeMethod::Resample})
        if (t == freezeMethodName(m)) {
            method = m;
            return true;
        }
    return false;
}

FreezeEntry parseEntry(const QString &part)
{
    static const QRegularExpression target(QStringLiteral("^[Ll](\\d{1,6})\\.[Hh](\\d{1,6})$"));
    const QStringList fields = part.split(QLatin1Char(':'));
    if (fields.size() < 2)
        throw Error(kWhere, tr("'%1' is not of the form L<layer>.H<head>:<qk|ov|head>[:<zero|mean|noise|resample>].").arg(part));
    const QRegularExpressionMatch m = target.match(fields[0].trimmed());
    if (!m.hasMatch())
        throw Error(kWhere, tr("'%1': '%2' is not L<layer>.H<head> (0-based, e.g. L3.H5).").arg(part, fields[0]));
    FreezeEntry e;
    e.layer = m.captured(1).toInt();
    e.head = m.captured(2).toInt();
    e.circuit = parseCircuit(part, fields[1].trimmed());
    bool methodSeen = false;
    for (int i = 2; i < fields.size(); ++i) {
        const QString option = fields[i].trimmed();
        FreezeMethod method;
        if (option.compare(QLatin1String("stopgrad"), Qt::CaseInsensitive) == 0 && !e.stopGradient) {
            e.stopGradient = true;
        } else if (!methodSeen && parseMethod(option, method)) {
            e.method = method;
            methodSeen = true;
        } else {
            throw Error(kWhere, tr("'%1': '%2' is not a method (zero, mean, noise or resample) or a repeated option.").arg(part, option));
        }
    }
    return e;
}

} // namespace

QString freezeCircuitName(FreezeCircuit c)
{
    switch (c) {
    case FreezeCircuit::QK: return QStringLiteral("qk");
    case FreezeCircuit::OV: return QStringLiteral("ov");
    case FreezeCircuit::Head: return QStringLiteral("head");
    }
    return QString();
}

QString freezeMethodName(FreezeMethod m)
{
    switch (m) {
    case FreezeMethod::Zero: return QStringLiteral("zero");
    case FreezeMethod::Mean: return QStringLiteral("mean");
    case FreezeMethod::Noise: return QStringLiteral("noise");
    case FreezeMethod::Resample: return QStringLiteral("resample");
    }
    return QString();
}

QString FreezeEntry::spec() const
{
    QString s = QStringLiteral("L%1.H%2:%3:%4").arg(layer).arg(head).arg(freezeCircuitName(circuit), freezeMethodName(method));
    if (stopGradient)
        s += QStringLiteral(":stopgrad");
    return s;
}

bool FreezeSet::contains(int layer, int head, FreezeCircuit circuit) const
{
    for (const FreezeEntry &e : entries)
        if (e.layer == layer && e.head == head && e.circuit == circuit)
            return true;
    return false;
}

void FreezeSet::add(const FreezeEntry &entry)
{
    for (FreezeEntry &e : entries) {
        if (e.sameTarget(entry)) {
            e = entry;
            return;
        }
        if (overlaps(e, entry))
            throw Error(kWhere, tr("'%1' overlaps '%2': freeze a head either whole or by circuit.").arg(entry.spec(), e.spec()));
    }
    entries.push_back(entry);
}

bool FreezeSet::remove(int layer, int head, FreezeCircuit circuit)
{
    for (auto it = entries.begin(); it != entries.end(); ++it)
        if (it->layer == layer && it->head == head && it->circuit == circuit) {
            entries.erase(it);
            return true;
        }
    return false;
}

bool FreezeSet::toggle(const FreezeEntry &entry)
{
    if (remove(entry.layer, entry.head, entry.circuit))
        return false;
    add(entry);
    return true;
}

bool FreezeSet::usesMethod(FreezeMethod method) const
{
    for (const FreezeEntry &e : entries)
        if (e.method == method)
            return true;
    return false;
}

bool FreezeSet::needsReference() const
{
    return usesMethod(FreezeMethod::Mean) || usesMethod(FreezeMethod::Noise)
           || usesMethod(FreezeMethod::Resample);
}

void FreezeSet::validate(int numLayers, int numHeads) const
{
    for (const FreezeEntry &e : entries) {
        if (e.layer < 0 || e.layer >= numLayers)
            throw Error(kWhere, tr("'%1': layer %2 does not exist (the model has layers 0 to %3).")
                                    .arg(e.spec()).arg(e.layer).arg(numLayers - 1));
        if (e.head < 0 || e.head >= numHeads)
            throw Error(kWhere, tr("'%1': head %2 does not exist (the model has heads 0 to %3).")
                                    .arg(e.spec()).arg(e.head).arg(numHeads - 1));
    }
}

QString FreezeSet::format() const
{
    QStringList parts;
    for (const FreezeEntry &e : entries)
        parts << e.spec();
    return parts.join(QLatin1Char(','));
}

FreezeSet FreezeSet::parse(const QString &spec)
{
    FreezeSet set;
    const QStringList parts = spec.split(QLatin1Char(','));
    for (const QString &raw : parts) {
        const QString part = raw.trimmed();
        if (part.isEmpty())
            throw Error(kWhere, spec.trimmed().isEmpty() ? tr("the freeze specification is empty.")
                                                         : tr("'%1' has an empty entry.").arg(spec));
        const FreezeEntry e = parseEntry(part);
        for (const FreezeEntry &other : set.entries)
            if (other.sameTarget(e))
                throw Error(kWhere, tr("'%1' freezes %2 twice.").arg(part, other.spec()));
        set.add(e);
    }
    return set;
}

FreezeSet FreezeSet::parse(const QString &spec, int numLayers, int numHeads)
{
    FreezeSet set = parse(spec);
    set.validate(numLayers, numHeads);
    return set;
}

} // namespace qkov
