#include "launcher/spank/plugin_args.hpp"

namespace skiff::spank {
namespace {

// Every value is an absolute path: relative to what slurmstepd's working directory happens to
// be, a path would name something else on every node.
struct Argument {
    std::string_view prefix;       // the word's start, up to and including '='
    std::string Settings::*field;
    std::string_view value;        // the value's name in messages
};

constexpr Argument arguments[] = {
    {"skiff=", &Settings::skiff, "PATH"},
};

std::string known_arguments() {
    std::string known;
    for (const auto& argument : arguments)
        known += (known.empty() ? "" : ", ") + std::string(argument.prefix) + std::string(argument.value);
    return known;
}

Unexpected<Error> refuse(std::string_view word, std::string_view why) {
    return fail("plugstack.conf: spank_skiff.so argument '" + std::string(word) + "' " + std::string(why) +
                " (known: " + known_arguments() + ")");
}

}  // namespace

Result<Settings> parse_plugin_arguments(const std::vector<std::string_view>& words) {
    Settings settings;
    for (std::string_view word : words) {
        const Argument* match = nullptr;
        for (const auto& argument : arguments)
            if (word.starts_with(argument.prefix)) match = &argument;
        if (!match) return refuse(word, "is unknown");
        std::string_view value = word.substr(match->prefix.size());
        if (!value.starts_with('/')) return refuse(word, "needs an absolute path");
        settings.*(match->field) = value;
    }
    return settings;
}

}  // namespace skiff::spank
