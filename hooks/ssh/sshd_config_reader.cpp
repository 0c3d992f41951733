#include "hooks/ssh/sshd_config_reader.hpp"

#include <array>

#include "common/ascii.hpp"

namespace skiff::hooks::ssh {
namespace {

constexpr std::array<const char*, 2> main_files = {"/etc/ssh/sshd_config", "/usr/etc/ssh/sshd_config"};
constexpr const char* config_dir = "/etc/ssh/";
constexpr const char* config_fix_hint = "; fix the file, or name the programs in [hooks.ssh] of the site configuration";

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

struct Reader {
    const HostView& host;
    SshdConfigFacts facts;
    std::size_t files = 0;

    Result<void> read_file(const std::string& path, int depth, const std::string& included_at);
    Result<void> use(const ConfigText& text, const std::string& path, int depth);
    Result<void> read_text(const std::string& text, const std::string& path, int depth);
    Result<void> apply(const std::vector<std::string>& words, const std::string& where, int depth);
    Result<void> include(const std::vector<std::string>& words, const std::string& where, int depth);
};

void keep_first(std::optional<ConfigValue>& slot, const std::string& value, const std::string& where) {
    if (!slot) slot = ConfigValue{value, where};
}

Result<void> Reader::read_file(const std::string& path, int depth, const std::string& included_at) {
    if (++files > max_config_files)
        return fail(included_at + ": sshd_config includes more than " + std::to_string(max_config_files) + " files" + config_fix_hint);
    return use(host.read_config(path, max_config_bytes), path, depth);
}

Result<void> Reader::use(const ConfigText& text, const std::string& path, int depth) {
    switch (text.state) {
    case ConfigText::State::ok: return read_text(text.text, path, depth);
    case ConfigText::State::absent: return {};
    case ConfigText::State::unreadable:
        facts.notes.push_back("cannot read " + path + " (" + text.why + "); its settings are not used");
        return {};
    case ConfigText::State::not_regular: return fail("'" + path + "' is not a regular file" + config_fix_hint);
    case ConfigText::State::too_large:
        return fail("'" + path + "' is larger than " + std::to_string(max_config_bytes >> 20) + " MiB" + config_fix_hint);
    }
    return {};
}

Result<void> Reader::read_text(const std::string& text, const std::string& path, int depth) {
    bool in_match = false;
    std::size_t line_number = 0, start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string_view line(text.data() + start, end - start);
        start = end + 1;
        std::string where = path + ":" + std::to_string(++line_number);
        auto words = split_config_line(line);
        if (!words) return fail(where + ": " + words.error().message + config_fix_hint);
        if (words->empty()) continue;
        if (ascii_lower(words->front()) == "match") {
            in_match = !(words->size() == 2 && ascii_lower((*words)[1]) == "all");
            continue;
        }
        if (in_match) continue;
        if (auto r = apply(*words, where, depth); !r) return r;
    }
    return {};
}

Result<void> Reader::apply(const std::vector<std::string>& words, const std::string& where, int depth) {
    std::string keyword = ascii_lower(words.front());
    if (keyword == "include") return include(words, where, depth);
    if (words.size() < 2) return {};
    if (keyword == "sshdsessionpath") keep_first(facts.session_path, words[1], where);
    else if (keyword == "sshdauthpath") keep_first(facts.auth_path, words[1], where);
    else if (keyword == "subsystem" && words[1] == "sftp" && words.size() >= 3) keep_first(facts.sftp_server, words[2], where);
    return {};
}

Result<void> Reader::include(const std::vector<std::string>& words, const std::string& where, int depth) {
    if (depth + 1 > max_include_depth)
        return fail(where + ": Include nests deeper than " + std::to_string(max_include_depth) + " files" + config_fix_hint);
    for (std::size_t i = 1; i < words.size(); ++i) {
        std::string pattern = words[i].starts_with("/") ? words[i] : config_dir + words[i];
        for (const auto& file : host.glob(pattern, max_config_files + 1))
            if (auto r = read_file(file, depth + 1, where); !r) return r;
    }
    return {};
}

// One word with its quotes removed; `at` moves past it. A backslash keeps the next character.
Result<std::string> next_word(std::string_view line, std::size_t& at) {
    std::string word;
    char quote = 0;
    for (; at < line.size(); ++at) {
        char c = line[at];
        if (quote == 0 && blank(c)) break;
        if (c == '\\' && at + 1 < line.size()) word += line[++at];
        else if (quote == 0 && (c == '"' || c == '\'')) quote = c;
        else if (c == quote) quote = 0;
        else word += c;
    }
    if (quote != 0) return fail("a quote is not closed");
    return word;
}

}  // namespace

Result<std::vector<std::string>> split_config_line(std::string_view line) {
    std::vector<std::string> words;
    std::size_t at = 0;
    while (at < line.size() && blank(line[at])) ++at;
    if (at == line.size() || line[at] == '#') return words;
    // The keyword ends at a blank or at the first '=' ("Keyword=value", "Keyword = value").
    std::size_t end = at;
    while (end < line.size() && !blank(line[end]) && line[end] != '=') ++end;
    words.emplace_back(line.substr(at, end - at));
    at = end;
    while (at < line.size() && blank(line[at])) ++at;
    if (at < line.size() && line[at] == '=') ++at;
    while (at < line.size()) {
        while (at < line.size() && blank(line[at])) ++at;
        if (at == line.size() || line[at] == '#') break;
        auto word = next_word(line, at);
        if (!word) return Unexpected(word.error());
        words.push_back(std::move(*word));
    }
    return words;
}

Result<SshdConfigFacts> read_sshd_config(const HostView& host) {
    Reader reader{host, {}};
    for (const char* file : main_files) {
        auto text = host.read_config(file, max_config_bytes);
        if (text.state == ConfigText::State::absent) continue;
        reader.facts.file = file;
        reader.files = 1;
        if (auto r = reader.use(text, file, 0); !r) return Unexpected(r.error());
        break;
    }
    if (reader.facts.file.empty()) reader.facts.notes.push_back("no sshd_config in /etc/ssh or /usr/etc/ssh");
    return std::move(reader.facts);
}

}  // namespace skiff::hooks::ssh
