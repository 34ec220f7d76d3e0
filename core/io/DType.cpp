#include "DType.h"

#include <cstring>

namespace qkov {

int dtypeSize(DType t)
{
    switch (t) {
    case DType::F64: case DType::I64: return 8;
    case DType::F32: case DType::I32: return 4;
    case DType::F16: case DType::BF16: case DType::I16: return 2;
    case DType::I8: case DType::U8: case DType::BOOL: return 1;
    }
    return 1;
}

QString dtypeName(DType t)
{
    switch (t) {
    case DType::F64: return QStringLiteral("F64");
    case DType::F32: return QStringLiteral("F32");
    case DType::F16: return QStringLiteral("F16");
    case DType::BF16: return QStringLiteral("BF16");
    case DType::I64: return QStringLiteral("I64");
    case DType::I32: return QStringLiteral("I32");
    case DType::I16: return QStringLiteral("I16");
    case DType::I8: return QStringLiteral("I8");
    case DType::U8: return QStringLiteral("U8");
    case DType::BOOL: return QStringLiteral("BOOL");
    }
    return {};
}

std::optional<DType> parseDType(const QString &name)
{
    static const DType all[] = {DType::F64, DType::F32, DType::F16, DType::BF16, DType::I64,
                                DType::I32, DType::I16, DType::I8,  DType::U8,   DType::BOOL};
    for (DType t : all)
        if (dtypeName(t) == name)
            return t;
    return std::nullopt;
}

bool isFloatingPoint(DType t)
{
    return t == DType::F64 || t == DType::F32 || t == DType::F16 || t == DType::BF16;
}

float halfToFloat(uint16_t h)
{
    const uint32_t sign = uint32_t(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t mant = h & 0x3ffu;
    uint32_t bits;
    if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else { // subnormal: normalise
            exp = 127 - 15 + 1;
            while (!(mant & 0x400u)) {
                mant <<= 1;
                --exp;
            }
            mant &= 0x3ffu;
            bits = sign | (exp << 23) | (mant << 13);
        }
    } else if (exp == 0x1f) {
        bits = sign | 0x7f800000u | (mant << 13); // inf / nan
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
    }
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

float bfloat16ToFloat(uint16_t b)
{
    const uint32_t bits = uint32_t(b) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

uint16_t floatToBfloat16(float f)
{
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    if ((bits & 0x7fffffffu) > 0x7f800000u) // NaN stays a quiet NaN
        return uint16_t((bits >> 16) | 0x40u);
    const uint32_t rounding = 0x7fffu + ((bits >> 16) & 1u);
    return uint16_t((bits + rounding) >> 16);
}

} // namespace qkov
