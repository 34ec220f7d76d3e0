#include "ArchitectureFamily.h"

#include "../Error.h"
#include "GenericDetector.h"
#include "StructureBuilder.h"
#include "families/Families.h"
#include "Translate.h"

#include <QCoreApplication>

namespace qkov {

namespace {

// Class names such as "LlamaForCausalLM" match the stem "Llama" when the stem
// is followed by an upper-case letter, so "Phi3ForCausalLM" is not "Phi".
bool classMatches(const QString &className, const QString &stem)
{
    if (className == stem)
        return true;
    return className.startsWith(stem) && className.size() > stem.size() && className.at(stem.size()).isUpper();
}

} // namespace

FamilyRegistry::FamilyRegistry()
{
    m_families.push_back(makeGpt2Family());
    m_families.push_back(makeLlamaFamily());
    m_families.push_back(makeGemmaFamily());
    m_families.push_back(makeQwenFamily());
    m_families.push_back(makePhiFamily());
    m_families.push_back(makePhi3Family());
    m_families.push_back(makeGptNeoxFamily());
    m_families.push_back(makeFalconFamily());
    m_families.push_back(makeOptFamily());
    m_families.push_back(makeBloomFamily());
    m_families.push_back(makeBertFamily());
    m_families.push_back(makeT5Family());
    m_families.push_back(makeVitFamily());
    m_families.push_back(makeClipFamily());
}

const FamilyRegistry &FamilyRegistry::instance()
{
    static const FamilyRegistry registry;
    return registry;
}

const ArchitectureFamily *FamilyRegistry::match(const ModelConfig &config) const
{
    if (!config.modelType.isEmpty()) {
        for (const auto &family : m_families) {
            if (family->modelTypes().contains(config.modelType, Qt::CaseInsensitive))
                return family.get();
        }
    }
    const ArchitectureFamily *best = nullptr;
    int bestLength = 0;
    for (const QString &className : config.architectures) {
        for (const auto &family : m_families) {
            for (const QString &stem : family->architectureClasses()) {
                if (stem.size() > bestLength && classMatches(className, stem)) {
                    best = family.get();
                    bestLength = int(stem.size());
                }
            }
        }
    }
    return best;
}

const ArchitectureFamily *FamilyRegistry::byId(const QString &id) const
{
    for (const auto &family : m_families) {
        if (family->id() == id)
            return family.get();
    }
    return nullptr;
}

ModelStructure detectStructure(const ModelConfig *config, const TensorIndex &tensors, const QString &where)
{
    if (!config)
        return detectGeneric(nullptr, tensors, where);

    QString fallbackNote;
    const ArchitectureFamily *family = FamilyRegistry::instance().match(*config);
    if (family) {
        try {
            ModelStructure s = family->detect(*config, tensors);
            s.family = family->id();
            s.detection = Detection::Config;
            return s;
        } catch (const NamesDoNotFit &e) {
            fallbackNote = tr("config.json names the '%1' family, but the tensor names do not fit it (%2); "
                              "the structure was found by walking the tensor names instead.")
                               .arg(family->id(), e.problem());
        } catch (const Error &e) {
            // Families name config.json; the user opened the checkpoint.
            throw Error(where, e.problem());
        }
    } else {
        const QString type = config->modelType.isEmpty() ? config->architectures.join(QStringLiteral(", "))
                                                         : config->modelType;
        fallbackNote = tr("'%1' is not a known architecture family; the structure was found by walking the tensor names.")
                           .arg(type.isEmpty() ? tr("(no model_type)") : type);
    }
    ModelStructure s;
    try {
        s = detectGeneric(config, tensors, where);
    } catch (const Error &e) {
        throw Error(where, e.problem() + QStringLiteral(" (") + fallbackNote + QLatin1Char(')'));
    }
    s.notes.prepend(fallbackNote);
    return s;
}

} // namespace qkov
