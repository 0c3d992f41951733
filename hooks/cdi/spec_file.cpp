#include "hooks/cdi/spec_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/unique_fd.hpp"

namespace skiff::cdi {
namespace {

bool ends_with(const std::string& s, std::string_view suffix) { return s.ends_with(suffix); }

// At most max_spec_bytes + 1 bytes of a regular file, so that spec_tree sees an oversize one.
Result<std::string> read_bounded(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd.valid()) return fail(path + ": cannot open: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return fail(path + ": not a regular file");
    std::string bytes(max_spec_bytes + 1, '\0');
    std::size_t got = 0;
    while (got < bytes.size()) {
        ssize_t n = ::read(fd.get(), bytes.data() + got, bytes.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail(path + ": cannot read: " + std::strerror(errno));
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    bytes.resize(got);
    return bytes;
}

std::string salvage_kind(const nlohmann::json& tree) {
    if (!tree.is_object()) return "";
    auto it = tree.find("kind");
    return it != tree.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

std::optional<SpecFormat> spec_format(const std::string& file_name) {
    if (ends_with(file_name, ".json")) return SpecFormat::json;
    if (ends_with(file_name, ".yaml") || ends_with(file_name, ".yml")) return SpecFormat::yaml;
    return std::nullopt;
}

SpecFile read_spec_file(const std::string& path, SpecFormat format) {
    SpecFile out{path, std::nullopt, "", ""};
    auto bytes = read_bounded(path);
    if (!bytes) {
        out.error = bytes.error().message;
        return out;
    }
    auto tree = spec_tree(*bytes, format, path);
    if (!tree) {
        out.error = tree.error().message;
        return out;
    }
    out.kind = salvage_kind(*tree);
    auto spec = parse_spec(*tree, path);
    if (spec) out.spec = std::move(*spec);
    else out.error = spec.error().message;
    return out;
}

}  // namespace skiff::cdi
