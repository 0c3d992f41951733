#include "namespaces/process_title.hpp"

#include <sys/prctl.h>

#include <charconv>
#include <cstdint>
#include <cstring>

#include "common/read_small_file.hpp"
#include "common/split.hpp"

namespace skiff::ns {
namespace {

constexpr const char* stat_file = "/proc/self/stat";
// proc(5) numbers the fields of /proc/PID/stat from 1; the state, field 3, follows the name.
constexpr std::size_t arg_start_field = 48, arg_end_field = 49, state_field = 3;

struct Range {
    std::uintptr_t start = 0, end = 0;
};

bool parse_address(std::string_view text, std::uintptr_t& out) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc() && end == text.data() + text.size();
}

// Where argv was put at execve. The fields are counted after the ')' that ends the name,
// which may itself hold spaces and parentheses.
SysResult<Range> argv_range() {
    auto stat = read_small_file(stat_file, 4096);
    if (!stat) return sys_fail("read", stat_file);
    auto name_end = stat->rfind(") ");
    if (name_end == std::string::npos) return sys_fail("parse", stat_file, EINVAL);
    auto fields = split(std::string_view(*stat).substr(name_end + 2), ' ');
    Range range;
    if (fields.size() <= arg_end_field - state_field ||
        !parse_address(fields[arg_start_field - state_field], range.start) ||
        !parse_address(fields[arg_end_field - state_field], range.end) || range.start == 0 || range.end <= range.start)
        return sys_fail("parse arg_start, arg_end", stat_file, EINVAL);
    return range;
}

}  // namespace

SysResult<void> set_process_title(const std::vector<std::string>& words, const std::string& name) {
    auto range = argv_range();
    if (!range) return Unexpected(range.error());
    std::string title;
    for (const auto& word : words) {
        title += word;
        title += '\0';
    }
    // A last byte that is not NUL would make the kernel read on into the environment
    // (fs/proc/base.c, get_mm_cmdline: the setproctitle() case).
    title.resize(range->end - range->start, '\0');
    title.back() = '\0';
    std::memcpy(reinterpret_cast<char*>(range->start), title.data(), title.size());
    if (::prctl(PR_SET_NAME, name.c_str(), 0, 0, 0) != 0) return sys_fail("prctl PR_SET_NAME", name);
    return {};
}

}  // namespace skiff::ns
