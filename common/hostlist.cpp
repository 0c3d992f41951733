#include "common/hostlist.hpp"

#include <charconv>

namespace skiff {
namespace {

constexpr std::size_t max_digits = 9;  // an int holds every bound

struct Expansion {
    std::string_view list;
    std::size_t max_names;
    std::vector<std::string> names;
};

Error bad(const Expansion& e, const std::string& why) {
    return Error{"host list '" + std::string(e.list) + "': " + why + "; expected names like n[1-3,5],m7"};
}

Error too_many(const Expansion& e) { return bad(e, "more than " + std::to_string(e.max_names) + " names"); }

// Splits at the commas outside brackets.
std::vector<std::string_view> top_level_items(std::string_view list) {
    std::vector<std::string_view> items;
    std::size_t start = 0, depth = 0;
    for (std::size_t i = 0; i <= list.size(); ++i) {
        if (i == list.size() || (list[i] == ',' && depth == 0)) {
            items.push_back(list.substr(start, i - start));
            start = i + 1;
        } else if (list[i] == '[') {
            ++depth;
        } else if (list[i] == ']' && depth > 0) {
            --depth;
        }
    }
    return items;
}

bool parse_bound(std::string_view text, int& out) {
    if (text.empty() || text.size() > max_digits) return false;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

std::string padded(int number, std::size_t width) {
    std::string digits = std::to_string(number);
    return digits.size() < width ? std::string(width - digits.size(), '0') + digits : digits;
}

// The numbers of one bracket's "1-3,5", as text.
Result<std::vector<std::string>> range_values(Expansion& e, std::string_view ranges) {
    std::vector<std::string> values;
    for (auto range : top_level_items(ranges)) {
        auto dash = range.find('-');
        std::string_view low = range.substr(0, dash), high = dash == std::string_view::npos ? low : range.substr(dash + 1);
        int from = 0, to = 0;
        if (!parse_bound(low, from) || !parse_bound(high, to) || from > to)
            return Unexpected(bad(e, "'" + std::string(range) + "' is not a range"));
        if (static_cast<std::size_t>(to - from) >= e.max_names) return Unexpected(too_many(e));
        for (int n = from; n <= to; ++n) values.push_back(padded(n, low.size()));
        if (values.size() > e.max_names) return Unexpected(too_many(e));
    }
    return values;
}

// Appends the names of `item` with `prefix` in front: the first bracket, then the rest.
Result<void> expand_item(Expansion& e, const std::string& prefix, std::string_view item) {
    auto open = item.find('[');
    if (open == std::string_view::npos) {
        if (item.find(']') != std::string_view::npos) return Unexpected(bad(e, "']' without '['"));
        if (prefix.empty() && item.empty()) return Unexpected(bad(e, "an empty name"));
        if (e.names.size() >= e.max_names) return Unexpected(too_many(e));
        e.names.push_back(prefix + std::string(item));
        return {};
    }
    auto close = item.find(']', open);
    if (close == std::string_view::npos || item.substr(open + 1, close - open - 1).find('[') != std::string_view::npos)
        return Unexpected(bad(e, "unbalanced brackets"));
    if (item.substr(0, open).find(']') != std::string_view::npos) return Unexpected(bad(e, "']' without '['"));
    auto values = range_values(e, item.substr(open + 1, close - open - 1));
    if (!values) return Unexpected(values.error());
    std::string head = prefix + std::string(item.substr(0, open));
    for (const auto& value : *values)
        if (auto r = expand_item(e, head + value, item.substr(close + 1)); !r) return r;
    return {};
}

}  // namespace

Result<std::vector<std::string>> expand_hostlist(std::string_view list, std::size_t max_names) {
    Expansion e{list, max_names, {}};
    if (list.empty()) return Unexpected(bad(e, "it is empty"));
    for (auto item : top_level_items(list))
        if (auto r = expand_item(e, "", item); !r) return Unexpected(r.error());
    return std::move(e.names);
}

}  // namespace skiff
