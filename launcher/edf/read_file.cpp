// Parsing one EDF (toml_file.hpp), and turning toml11's syntax errors into
// "FILE:LINE:COL: invalid TOML: <reason>" plus the offending line and a caret (edf.md §11).
#include "launcher/edf/read_file.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "launcher/edf/reader.hpp"
#include "launcher/edf/toml_file.hpp"

namespace skiff::edf {
namespace {

// toml11's wording -> ours. The first rule whose text occurs in toml11's message wins.
struct ReasonRule {
    std::string_view contains;
    std::string_view reason;
};

constexpr std::array<ReasonRule, 8> kReasons{{
    {"missing key-value separator", "expected '=' after key"},
    {"missing value after key-value separator", "expected a value after '='"},
    {"unknown value appeared", "invalid value; strings need quotes and booleans are true or false"},
    {"missing array separator", "expected ',' or ']' in array"},
    {"invalid line format", "expected a new line after the value"},
    {"an invalid key appeared", "invalid key or table header"},
    {"not a valid string", "invalid or unterminated string"},
    {"not a valid multiline string", "invalid or unterminated string"},
}};

// Where toml11 points: the last "N | text" line of its report and the '^'/'~' under it.
struct Snippet {
    unsigned line = 0;
    unsigned column = 1;
    std::string text;
};

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// " 12 | code" -> 12 and "code"; returns 0 for other lines.
unsigned code_line(const std::string& line, std::string& code) {
    std::size_t bar = line.find(" | ");
    if (bar == std::string::npos) return 0;
    std::string number = line.substr(0, bar);
    std::size_t first = number.find_first_not_of(' ');
    if (first == std::string::npos || number.find_first_not_of("0123456789", first) != std::string::npos) return 0;
    code = line.substr(bar + 3);
    return static_cast<unsigned>(std::stoul(number.substr(first)));
}

Snippet locate_snippet(const toml::syntax_error& error) {
    Snippet snippet{error.location().line(), error.location().column(), error.location().line_str()};
    std::vector<std::string> lines = split_lines(error.what());
    for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
        std::string code;
        unsigned number = code_line(lines[i], code);
        std::size_t bar = lines[i + 1].find("| ");
        if (number == 0 || bar == std::string::npos) continue;
        std::size_t mark = lines[i + 1].find_first_of("^~", bar + 2);
        if (mark == std::string::npos) continue;
        snippet = Snippet{number, static_cast<unsigned>(mark - bar - 2 + 1), code};
    }
    return snippet;
}

// "[error] toml::parse_x: what happened." -> our short reason.
std::string short_reason(const std::string& what) {
    std::string first = what.substr(0, what.find('\n'));
    for (const ReasonRule& rule : kReasons)
        if (first.find(rule.contains) != std::string::npos) return std::string(rule.reason);
    std::size_t open = first.find("(\"");
    std::size_t close = first.find("\")");
    if (first.find("already exists") != std::string::npos && open != std::string::npos && close > open)
        return "'" + first.substr(open + 2, close - open - 2) + "' is defined twice";
    if (first.starts_with("[error] ")) first.erase(0, 8);
    if (std::size_t colon = first.find(": "); first.starts_with("toml::") && colon != std::string::npos)
        first.erase(0, colon + 2);
    while (!first.empty() && (first.back() == '.' || first.back() == ' ')) first.pop_back();
    return first;
}

}  // namespace

std::string toml_syntax_message(const std::string& path, const toml::syntax_error& error) {
    Snippet at = locate_snippet(error);
    std::string caret;
    for (std::size_t i = 0; i + 1 < at.column && i < at.text.size(); ++i) caret += at.text[i] == '\t' ? '\t' : ' ';
    return path + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) +
           ": invalid TOML: " + short_reason(error.what()) + "\n  " + at.text + "\n  " + caret + "^";
}

FileData read_file(const std::string& path, Diagnostics& diag) {
    FileData data;
    data.path = path;
    data.image_known = false;  // until the file has parsed
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        diag.error("cannot open EDF '" + path + "': " + std::strerror(errno));
        return data;
    }
    auto file = parse_toml(in, path);
    if (!file) {
        diag.error(file.error().message);
        return data;
    }
    data.image_known = true;
    ReadContext ctx{data, diag, file->lines};
    try {
        read_top_level(file->root, ctx);
    } catch (const std::exception& error) {
        diag.error(path + ": cannot read EDF: " + error.what());
    }
    return data;
}

}  // namespace skiff::edf
