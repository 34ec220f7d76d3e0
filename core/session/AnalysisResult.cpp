#include "AnalysisResult.h"

namespace qkov {

namespace {
const char *const kBlockNames[4] = {"Q", "K", "V", "O"};
}

int AnalysisResult::blockIndex(const QString &block)
{
    for (int i = 0; i < 4; ++i)
        if (block == QLatin1String(kBlockNames[i]))
            return i;
    return -1;
}

QString AnalysisResult::blockName(int index)
{
    return index >= 0 && index < 4 ? QString::fromLatin1(kBlockNames[index]) : QString();
}

} // namespace qkov
