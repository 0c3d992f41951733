// Which C library an image uses, for which architecture, and which glibc version it provides
// (ldcache.md §1.1). Everything is read through a FileSource; nothing from the image runs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "libfabric-bind/arch.hpp"
#include "libfabric-bind/file_source.hpp"

namespace skiff::ldcache {

struct DetectOptions {
    // Reference programs tried before /bin/sh and /usr/bin/env, as container paths. A "#!"
    // script contributes its interpreter.
    std::vector<std::string> programs;
    const ArchInfo* node = &host_arch();
    // The user's command (argv[0]); without a '/' it is looked up in `search_path` inside the
    // image. It is tried before `programs`.
    std::optional<std::string> command;
    std::string search_path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
};

struct LibcInfo {
    bool glibc = false;  // configure /etc/ld.so.cache
    bool musl = false;   // configure the musl path file (both may be true, §1.1.3)
    const ArchInfo* arch = nullptr;             // null when there is nothing to configure
    std::optional<std::string> program;         // the reference program that had a PT_INTERP
    std::optional<std::string> interpreter;     // its PT_INTERP as written
    std::optional<std::string> interpreter_target;  // after symlinks, inside the image
    std::optional<std::string> musl_loader;     // loader path as written (locates the path file)
    std::optional<std::string> musl_path_file;  // e.g. "/etc/ld-musl-x86_64.path"
    std::optional<std::string> libc_so;         // container path of glibc's libc.so.6
    std::vector<std::string> glibc_versions;    // GLIBC_x.y defined by libc.so.6
    std::optional<std::string> glibc_version;   // the highest of them
    std::vector<std::string> warnings;
};

// Errors: an interpreter that is missing, not ELF, of an unknown kind, or of another
// architecture than `options.node` ("image is aarch64, node is x86_64"), and FileSource errors.
// An image without any dynamic reference program and without loaders yields glibc = musl =
// false and no error: there is nothing to configure.
Result<LibcInfo> detect_libc(FileSource& image, const DetectOptions& options = {});

}  // namespace skiff::ldcache
