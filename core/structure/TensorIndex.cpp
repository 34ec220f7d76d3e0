#include "TensorIndex.h"

namespace qkov {

TensorIndex TensorIndex::fromStore(const TensorStore &store)
{
    TensorIndex index;
    for (const QString &name : store.names())
        index.shapes.insert(name, store.meta(name).shape);
    index.metadata = store.metadata();
    return index;
}

} // namespace qkov
