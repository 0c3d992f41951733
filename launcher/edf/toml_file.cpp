#include "launcher/edf/toml_file.hpp"

#include <cerrno>
#include <cstring>
#include <sstream>

#include "launcher/edf/read_file.hpp"
#include "launcher/edf/toml_limits.hpp"

namespace skiff::edf {
namespace {

// Up to one byte past the limit, so that a longer file (or /dev/zero) shows itself.
Result<std::string> read_capped(std::istream& in, const std::string& path) {
    std::string text;
    char buffer[16384];
    while (text.size() <= max_toml_bytes && in.read(buffer, sizeof buffer).gcount() > 0)
        text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (in.bad()) return fail("cannot read '" + path + "': " + std::strerror(errno));
    if (text.size() > max_toml_bytes)
        return fail(path + ": the file is larger than 1 MiB, the most skiff reads of a TOML file;"
                           " check that it is the file you meant");
    return text;
}

}  // namespace

Result<TomlFile> parse_toml(std::istream& in, const std::string& path) {
    auto text = read_capped(in, path);
    if (!text) return Unexpected(text.error());
    if (unsigned line = too_deep_line(*text); line != 0)
        return fail(path + ":" + std::to_string(line) + ": arrays, inline tables and dotted keys nest more than " +
                    std::to_string(max_toml_depth) + " levels deep here; skiff reads no deeper TOML, flatten this value");
    LineIndex lines(*text);
    std::istringstream stream(std::move(*text));
    try {
        return TomlFile{toml::parse<toml::discard_comments, std::map, std::vector>(stream, path), std::move(lines)};
    } catch (const toml::syntax_error& error) {
        return fail(toml_syntax_message(path, error));
    } catch (const std::exception& error) {
        return fail(path + ": invalid TOML: " + error.what());
    }
}

}  // namespace skiff::edf
