#include "launcher/image/metadata_format.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace skiff::image {
namespace {

using Status = Expected<void, Error>;
using Env = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view export_keyword = "export";
constexpr std::string_view rc_cd_prefix = "cd \"";
constexpr std::string_view metadata_header = "skiff-image-metadata";

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }
bool is_quote(char c) { return c == '"' || c == '\''; }

std::string_view trim_leading(std::string_view s) {
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    return s;
}

// Lines without their '\n' and a '\r' before it; a final line without '\n' counts.
std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        std::size_t end = std::min(text.find('\n'), text.size());
        std::string_view line = text.substr(0, end);
        if (line.ends_with('\r')) line.remove_suffix(1);
        lines.push_back(line);
        text.remove_prefix(std::min(end + 1, text.size()));
    }
    return lines;
}

bool valid_env_name(std::string_view name) {
    auto head = [](char c) { return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
    auto tail = [&](char c) { return head(c) || (c >= '0' && c <= '9'); };
    return !name.empty() && head(name.front()) && std::all_of(name.begin() + 1, name.end(), tail);
}

// enroot's sed: NAME=["'](.*)["'][[:space:]]*$  ->  NAME=\1
std::string_view unquote(std::string_view value) {
    if (value.empty() || !is_quote(value.front())) return value;
    std::size_t last = value.size();
    while (last > 0 && is_blank(value[last - 1])) --last;
    if (last < 2 || !is_quote(value[last - 1])) return value;
    return value.substr(1, last - 2);
}

void upsert(Env& env, std::string name, std::string value) {
    auto same = [&](const auto& entry) { return entry.first == name; };
    if (auto it = std::find_if(env.begin(), env.end(), same); it != env.end())
        it->second = std::move(value);
    else
        env.emplace_back(std::move(name), std::move(value));
}

Result<std::string> unescape(std::string_view raw) {
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '\\') {
            out += raw[i];
            continue;
        }
        char next = i + 1 < raw.size() ? raw[i + 1] : '\0';
        if (next != '\\' && next != 'n')
            return fail("unknown escape '\\" + std::string(1, next) + "'; only \\\\ and \\n");
        out += next == 'n' ? '\n' : '\\';
        ++i;
    }
    return out;
}

std::string escape(std::string_view value) {
    std::string out;
    for (char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

struct Field {
    std::string_view keyword;
    Status (*apply)(ImageMetadata&, std::string);
};

const std::array<Field, 4> metadata_fields{{
    {"env",
     [](ImageMetadata& md, std::string value) -> Status {
         std::size_t eq = value.find('=');
         if (eq == std::string::npos || !valid_env_name(std::string_view(value).substr(0, eq)))
             return fail("env needs NAME=VALUE with NAME made of letters, digits and '_'");
         upsert(md.env, value.substr(0, eq), value.substr(eq + 1));
         return {};
     }},
    {"workdir",
     [](ImageMetadata& md, std::string value) -> Status {
         md.workdir = std::move(value);
         return {};
     }},
    {"entrypoint",
     [](ImageMetadata& md, std::string value) -> Status {
         md.entrypoint.push_back(std::move(value));
         return {};
     }},
    {"cmd",
     [](ImageMetadata& md, std::string value) -> Status {
         md.cmd.push_back(std::move(value));
         return {};
     }},
}};

std::string expected_header() {
    return std::string(metadata_header) + " " + std::to_string(skiff_metadata_format);
}

Status check_header(std::string_view keyword, std::string_view value) {
    int format = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), format);
    bool number = ec == std::errc() && end == value.data() + value.size() && format >= 1;
    if (keyword != metadata_header || !number) return fail("expected the header '" + expected_header() + "'");
    if (format > skiff_metadata_format)
        return fail("format " + std::to_string(format) + " is newer than this skiff reads (" +
                    std::to_string(skiff_metadata_format) + "); update skiff");
    return {};
}

Status apply_line(ImageMetadata& md, std::string_view keyword, std::string_view raw) {
    auto field = std::find_if(metadata_fields.begin(), metadata_fields.end(),
                              [&](const Field& f) { return f.keyword == keyword; });
    if (field == metadata_fields.end()) return {};  // a field from a newer writer
    auto value = unescape(raw);
    if (!value) return Unexpected(std::move(value).error());
    return field->apply(md, std::move(*value));
}

}  // namespace

Env parse_environment(std::string_view text) {
    Env env;
    for (std::string_view line : split_lines(text)) {
        line = trim_leading(line);
        if (line.starts_with(export_keyword) && line.size() > export_keyword.size() &&
            is_blank(line[export_keyword.size()]))
            line = trim_leading(line.substr(export_keyword.size()));
        std::size_t eq = line.find('=');
        if (line.empty() || line.front() == '#' || eq == std::string_view::npos) continue;
        if (!valid_env_name(line.substr(0, eq))) continue;
        upsert(env, std::string(line.substr(0, eq)), std::string(unquote(line.substr(eq + 1))));
    }
    return env;
}

std::optional<std::string> parse_rc_workdir(std::string_view text) {
    for (std::string_view line : split_lines(text)) {
        line = trim_leading(line);
        if (!line.starts_with(rc_cd_prefix)) continue;
        line.remove_prefix(rc_cd_prefix.size());
        std::size_t quote = line.find('"');
        if (quote != std::string_view::npos) return std::string(line.substr(0, quote));
    }
    return std::nullopt;
}

Result<ImageMetadata> parse_skiff_metadata(std::string_view text, const std::string& context) {
    ImageMetadata md;
    md.source = ImageMetadata::Source::skiff;
    bool header = false;
    auto lines = split_lines(text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::string_view line = lines[i];
        if (line.empty() || line.front() == '#') continue;
        std::size_t space = std::min(line.find(' '), line.size());
        std::string_view keyword = line.substr(0, space);
        std::string_view value = line.substr(std::min(space + 1, line.size()));
        Status status = header ? apply_line(md, keyword, value) : check_header(keyword, value);
        if (!status)
            return fail(context + ": " + skiff_metadata_path + ":" + std::to_string(i + 1) + ": " +
                        status.error().message);
        header = true;
    }
    if (!header)
        return fail(context + ": " + skiff_metadata_path + ": empty file; expected the header '" +
                    expected_header() + "'");
    return md;
}

std::string format_skiff_metadata(const ImageMetadata& metadata, const std::string& reference) {
    std::string out = expected_header() + "\n";
    if (!reference.empty()) out += std::string(metadata_reference_keyword) + " " + escape(reference) + "\n";
    for (const auto& [name, value] : metadata.env) out += "env " + escape(name + "=" + value) + "\n";
    if (metadata.workdir) out += "workdir " + escape(*metadata.workdir) + "\n";
    for (const auto& arg : metadata.entrypoint) out += "entrypoint " + escape(arg) + "\n";
    for (const auto& arg : metadata.cmd) out += "cmd " + escape(arg) + "\n";
    return out;
}

}  // namespace skiff::image
