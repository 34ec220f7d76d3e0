#pragma once
// Element types of safetensors files (and of session tensors).
#include <QString>
#include <cstdint>
#include <optional>

namespace qkov {

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };

// Bytes per element.
int dtypeSize(DType t);
// The safetensors spelling: "F32", "BF16", ...
QString dtypeName(DType t);
// Parses the safetensors spelling; nullopt for anything else.
std::optional<DType> parseDType(const QString &name);
bool isFloatingPoint(DType t);

// Conversions of single values to float (used by readers that convert to float32).
float halfToFloat(uint16_t h);
float bfloat16ToFloat(uint16_t b);
uint16_t floatToBfloat16(float f); // round to nearest even

} // namespace qkov
