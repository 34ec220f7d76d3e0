#pragma once
// One factory per architecture family (one file each); FamilyRegistry lists
// them explicitly because a static library drops self-registering objects.
#include "../ArchitectureFamily.h"

#include <memory>

namespace qkov {

std::unique_ptr<ArchitectureFamily> makeGpt2Family();
std::unique_ptr<ArchitectureFamily> makeLlamaFamily();
std::unique_ptr<ArchitectureFamily> makeGemmaFamily();
std::unique_ptr<ArchitectureFamily> makeQwenFamily();
std::unique_ptr<ArchitectureFamily> makePhiFamily();
std::unique_ptr<ArchitectureFamily> makePhi3Family();
std::unique_ptr<ArchitectureFamily> makeGptNeoxFamily();
std::unique_ptr<ArchitectureFamily> makeFalconFamily();
std::unique_ptr<ArchitectureFamily> makeOptFamily();
std::unique_ptr<ArchitectureFamily> makeBloomFamily();
std::unique_ptr<ArchitectureFamily> makeBertFamily();
std::unique_ptr<ArchitectureFamily> makeT5Family();
std::unique_ptr<ArchitectureFamily> makeVitFamily();
std::unique_ptr<ArchitectureFamily> makeClipFamily();

} // namespace qkov
