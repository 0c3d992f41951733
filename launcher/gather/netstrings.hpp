// The format of skiff's own cache files in the runtime directory (facts_cache.hpp,
// libc_cache.hpp): a header line, then fields as netstrings ("<length>:<bytes>,"), so that any
// byte may appear in a value. The files are the user's own, but are read as untrusted: every
// length is checked against what is left.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::gather {

void put(std::string& out, std::string_view value);
void put_list(std::string& out, const std::vector<std::string>& values);
void put_optional(std::string& out, const std::optional<std::string>& value);
void put_flag(std::string& out, bool value);

class NetstringReader {
public:
    explicit NetstringReader(std::string_view bytes) : rest_(bytes) {}

    std::optional<std::string> next();
    std::optional<std::size_t> count();
    bool list(std::vector<std::string>& out);
    bool optional(std::optional<std::string>& out);
    bool flag(bool& out);
    bool at_end() const { return rest_.empty(); }

private:
    std::string_view rest_;
};

}  // namespace skiff::gather
