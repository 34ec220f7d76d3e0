#pragma once

#include <QCoreApplication>
#include <QString>

// The core's own messages (errors, CLI output) are translated in one context
// per library, its target name (QKOV_TR_CONTEXT, set by core/CMakeLists.txt).
// Defined once in a header rather than in each .cpp: a unity build compiles
// several of a library's sources as one translation unit.
#ifndef QKOV_TR_CONTEXT
#error "QKOV_TR_CONTEXT is set per core library by core/CMakeLists.txt"
#endif

namespace qkov {
namespace {

inline QString tr(const char *text)
{
    return QCoreApplication::translate(QKOV_TR_CONTEXT, text);
}

} // namespace
} // namespace qkov
