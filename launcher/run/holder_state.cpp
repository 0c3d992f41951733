#include "launcher/run/holder_state.hpp"

#include <charconv>

#include "common/read_small_file.hpp"

namespace skiff::run {
namespace {

constexpr std::size_t pid_field_limit = 20;

// The next NUL-terminated field of `rest`, which then starts after it; false if there is no
// NUL within `limit` bytes.
bool next_field(std::string_view& rest, std::size_t limit, std::string_view& field) {
    auto end = rest.substr(0, limit + 1).find('\0');
    if (end == std::string_view::npos) return false;
    field = rest.substr(0, end);
    rest.remove_prefix(end + 1);
    return true;
}

bool parse_pid(std::string_view text, pid_t& pid) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), pid);
    return error == std::errc() && end == text.data() + text.size() && pid > 0;
}

bool is_variable(std::string_view entry) {
    auto equals = entry.find('=');
    return equals != std::string_view::npos && equals > 0;
}

}  // namespace

Result<std::string> format_holder_state(pid_t holder, const std::string& workdir, const EnvMap& env) {
    std::string state = std::to_string(holder);
    state += '\0';
    state += workdir;
    state += '\0';
    for (const auto& [name, value] : env) {
        state += name + "=" + value;
        state += '\0';
    }
    if (auto parsed = parse_holder_state(state); !parsed) return Unexpected(parsed.error());
    return state;
}

Result<HolderState> parse_holder_state(std::string_view bytes) {
    if (bytes.size() > holder_state_limit) return fail("larger than " + std::to_string(holder_state_limit) + " bytes");
    HolderState state;
    std::string_view field;
    if (!next_field(bytes, pid_field_limit, field) || !parse_pid(field, state.holder))
        return fail("no process id first");
    if (!next_field(bytes, holder_workdir_limit, field) || !field.starts_with('/'))
        return fail("no absolute working directory (of at most " + std::to_string(holder_workdir_limit) + " bytes) second");
    state.workdir = field;
    while (!bytes.empty()) {
        if (state.env.size() == holder_env_limit)
            return fail("more than " + std::to_string(holder_env_limit) + " variables");
        if (!next_field(bytes, holder_field_limit, field) || !is_variable(field))
            return fail("a variable that is not NAME=VALUE (of at most " + std::to_string(holder_field_limit) +
                        " bytes, ended by a NUL)");
        state.env.emplace_back(field);
    }
    return state;
}

Result<HolderState> read_holder_state(const std::string& file) {
    auto bytes = read_small_file(file, holder_state_limit);
    if (!bytes) return fail("missing, unreadable, or larger than " + std::to_string(holder_state_limit) + " bytes");
    return parse_holder_state(*bytes);
}

}  // namespace skiff::run
