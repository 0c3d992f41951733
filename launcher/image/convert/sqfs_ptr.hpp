// Ownership of squashfs-tools-ng objects: each is released with sqfs_destroy.
#pragma once

#include <sqfs/predef.h>

#include <memory>

namespace skiff::image::convert {

struct SqfsDestroy {
    void operator()(void* object) const { sqfs_destroy(object); }
};

template <class T>
using SqfsPtr = std::unique_ptr<T, SqfsDestroy>;

}  // namespace skiff::image::convert
