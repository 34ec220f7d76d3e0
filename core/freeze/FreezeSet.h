#pragma once
// Which head circuits are frozen, and how (METRIC.md section 6). A FreezeSet
// is plain data: the CLI's --freeze SPEC, the GUI's clicks and the Fisher
// collection all build one; FreezeInterventions.h turns it into the engine's
// intervention table, so freezing always happens inside the forward pass.
#include <QString>
#include <cstdint>
#include <vector>

namespace qkov {

enum class FreezeCircuit {
    QK,  // the head's query and key vectors (after RoPE)
    OV,  // the head's value vectors (its own copy under grouped-query attention)
    Head // both
};
enum class FreezeMethod { Zero, Mean, Noise, Resample };

QString freezeCircuitName(FreezeCircuit c); // "qk", "ov", "head"
QString freezeMethodName(FreezeMethod m);   // "zero", "mean", "noise", "resample"

struct FreezeEntry
{
    int layer = 0;
    int head = 0; // query head
    FreezeCircuit circuit = FreezeCircuit::QK;
    FreezeMethod method = FreezeMethod::Zero;
    bool stopGradient = false; // the replaced values carry no gradient

    // "L3.H5:qk:zero", with ":stopgrad" appended when set.
    QString spec() const;
    bool sameTarget(const FreezeEntry &other) const
    {
        return layer == other.layer && head == other.head && circuit == other.circuit;
    }
    bool operator==(const FreezeEntry &o) const
    {
        return sameTarget(o) && method == o.method && stopGradient == o.stopGradient;
    }
};

class FreezeSet
{
public:
    std::vector<FreezeEntry> entries;
    double sigma = 1.0; // noise: N(0, sigma^2 * var)
    uint64_t seed = 0;  // noise draws and resample choices

    bool empty() const { return entries.empty(); }
    void clear() { entries.clear(); }
    bool contains(int layer, int head, FreezeCircuit circuit) const;
    // Adds the entry, replacing one with the same target. Throws
    // qkov::Error("--freeze", ...) when it overlaps another target of the
    // same head (head against qk or ov): freezing a value twice is ambiguous.
    void add(const FreezeEntry &entry);
    bool remove(int layer, int head, FreezeCircuit circuit);
    // The GUI's click: removes the target when present, else adds it.
    // Returns true when the target is frozen afterwards.
    bool toggle(const FreezeEntry &entry);
    bool needsReference() const; // any mean, noise or resample entry
    bool usesMethod(FreezeMethod method) const;

    // Throws qkov::Error("--freeze", ...) naming the first entry whose layer
    // or head the model does not have.
    void validate(int numLayers, int numHeads) const;

    // Comma-separated canonical specs, in entry order ("" when empty).
    QString format() const;
    // `L<layer>.H<head>:<qk|ov|head>[:<zero|mean|noise|resample>][:stopgrad]`,
    // comma-separated, 0-based layer and head. Throws qkov::Error("--freeze",
    // ...) naming the bad part. sigma and seed keep their defaults.
    static FreezeSet parse(const QString &spec);
    // parse() followed by validate().
    static FreezeSet parse(const QString &spec, int numLayers, int numHeads);
};

} // namespace qkov
