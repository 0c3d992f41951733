// The server side of image_server.hpp: runs in a double-forked, detached process.
#pragma once

#include "namespaces/image_server/image_server.hpp"

namespace skiff::ns {

// Reports on `ready_fd` ("R" listening, "B" another server holds the lock, "E<why>" failed),
// then serves until it retires and the last clone is gone.
[[noreturn]] void run_image_server(const ImageServerConfig& config, int ready_fd);

}  // namespace skiff::ns
