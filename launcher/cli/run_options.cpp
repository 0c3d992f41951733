#include "launcher/cli/run_options.hpp"

#include <array>
#include <string_view>

namespace skiff::cli {
namespace {

struct OptionSpec {
    std::string_view long_name;
    std::string_view short_name;  // "" if none
    std::string_view value_name;  // "" for a switch
    void (*apply)(RunOptions&, const std::string&);
    std::string_view help;
};

constexpr std::array<OptionSpec, 21> option_table{{
    {"--environment", "-e", "NAME|PATH", [](RunOptions& o, const std::string& v) { o.environment = v; },
     "EDF by name (searched in EDF_PATH, default ~/.edf) or by path"},
    {"--image", "", "IMAGE", [](RunOptions& o, const std::string& v) { o.image = v; },
     "squashfs file, directory (./ for relative paths) or registry reference (ubuntu:24.04,\n"
     "                          pulled into the image store first); overrides the EDF's"},
    {"--mount", "-m", "SRC[:DST[:FLAGS]]", [](RunOptions& o, const std::string& v) { o.mounts.push_back(v); },
     "add a mount, as in the EDF (repeatable)"},
    {"--device", "", "NAME", [](RunOptions& o, const std::string& v) { o.devices.push_back(v); },
     "add a device: a CDI name (nvidia.com/gpu=0, nvidia.com/gpu=all) or a /dev path (repeatable)"},
    {"--env", "", "K=V", [](RunOptions& o, const std::string& v) { o.env.push_back(v); },
     "set a variable in the container (repeatable); K= unsets it"},
    {"--annotation", "", "K=V", [](RunOptions& o, const std::string& v) { o.annotations.push_back(v); },
     "set an annotation (repeatable)"},
    {"--workdir", "-w", "DIR", [](RunOptions& o, const std::string& v) { o.workdir = v; },
     "working directory in the container"},
    {"--writable", "", "", [](RunOptions& o, const std::string&) { o.writable = true; },
     "writable root; writes vanish at exit (default)"},
    {"--read-only", "", "", [](RunOptions& o, const std::string&) { o.writable = false; }, "read-only root"},
    {"--overlay", "", "DIR", [](RunOptions& o, const std::string& v) { o.overlay_dir = v; },
     "keep the root's writes in DIR (created if missing) for the next launch with the same DIR;\n"
     "                          one container at a time, one image per DIR"},
    {"--force", "", "", [](RunOptions& o, const std::string&) { o.force = true; },
     "use an --overlay DIR that holds changes to another image"},
    {"--root", "", "", [](RunOptions& o, const std::string&) { o.root = true; },
     "appear as uid 0 in the container (no real privilege)"},
    {"--entrypoint", "", "", [](RunOptions& o, const std::string&) { o.entrypoint = true; },
     "run the image's entrypoint with the command as arguments"},
    {"--no-entrypoint", "", "", [](RunOptions& o, const std::string&) { o.entrypoint = false; },
     "run the command itself (default)"},
    {"--save", "", "FILE", [](RunOptions& o, const std::string& v) { o.save = v; },
     "when the command exits with status 0, write the container (image and changes) as a new\n"
     "                          squashfs image FILE"},
    {"--save-always", "", "", [](RunOptions& o, const std::string&) { o.save_always = true; },
     "with --save: write FILE whatever the command's exit status"},
    {"--cold", "", "", [](RunOptions& o, const std::string&) { o.cold = true; },
     "mount the image afresh instead of through the user's image server"},
    {"--dry-run", "", "", [](RunOptions& o, const std::string&) { o.dry_run = true; },
     "print the launch plan and change nothing"},
    {"--verbose", "-v", "", [](RunOptions& o, const std::string&) { o.verbose = true; },
     "narrate each step with the time it took"},
    {"--help", "-h", "", [](RunOptions& o, const std::string&) { o.help = true; }, "this help"},
    {"--", "", "", [](RunOptions&, const std::string&) {}, "end of options; the command follows"},
}};

const OptionSpec* find_option(std::string_view word, std::string* inline_value) {
    for (const auto& spec : option_table) {
        if (word == spec.long_name || (!spec.short_name.empty() && word == spec.short_name)) return &spec;
        if (!spec.value_name.empty() && word.starts_with(spec.long_name) && word.size() > spec.long_name.size() &&
            word[spec.long_name.size()] == '=') {
            *inline_value = std::string(word.substr(spec.long_name.size() + 1));
            return &spec;
        }
    }
    return nullptr;
}

}  // namespace

Result<RunOptions> parse_run_options(const std::vector<std::string>& words) {
    RunOptions options;
    std::size_t i = 0;
    for (; i < words.size(); ++i) {
        const std::string& word = words[i];
        if (word == "--") {
            ++i;
            break;
        }
        if (!word.starts_with("-")) break;
        std::string value;
        bool has_inline = false;
        const OptionSpec* spec = find_option(word, &value);
        if (!spec) return fail("run: unknown option '" + word + "'; see skiff run --help");
        has_inline = !value.empty() || word.find('=') != std::string::npos;
        if (!spec->value_name.empty() && !has_inline) {
            if (i + 1 >= words.size()) return fail("run: option '" + word + "' needs a value " + std::string(spec->value_name));
            value = words[++i];
        }
        spec->apply(options, value);
    }
    options.command.assign(words.begin() + static_cast<std::ptrdiff_t>(i), words.end());
    return options;
}

namespace {

// A help text whose continuation lines start under its first line's start, at `column`.
std::string aligned(std::string_view help, std::size_t column) {
    std::string out;
    for (std::size_t at = 0; at < help.size(); ++at) {
        out += help[at];
        if (help[at] != '\n') continue;
        while (at + 1 < help.size() && help[at + 1] == ' ') ++at;
        out += std::string(column, ' ');
    }
    return out;
}

}  // namespace

std::string run_usage() {
    constexpr std::size_t names_width = 34;
    std::string text = "usage: skiff run [OPTIONS] [--] [COMMAND [ARG...]]\n\noptions:\n";
    for (const auto& spec : option_table) {
        if (spec.long_name == "--") continue;
        std::string names = spec.short_name.empty() ? "    " : std::string(spec.short_name) + ", ";
        names += std::string(spec.long_name);
        if (!spec.value_name.empty()) names += " " + std::string(spec.value_name);
        names.resize(std::max<std::size_t>(names.size() + 2, names_width), ' ');
        text += "  " + names + aligned(spec.help, 2 + names.size()) + "\n";
    }
    return text;
}

}  // namespace skiff::cli
