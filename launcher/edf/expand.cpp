#include "launcher/edf/expand.hpp"

#include <array>

namespace skiff::edf {
namespace {

constexpr std::array<std::string_view, 6> kPerTask{
    "SLURM_PROCID", "SLURM_LOCALID", "SLURM_TASK_PID", "PMIX_RANK", "PMI_RANK", "PMI_FD"};

constexpr std::string_view kOnlyForms = "only ${X} and ${X:-default}";

bool is_name_start(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

std::size_t name_length(std::string_view text) {
    std::size_t n = 0;
    if (text.empty() || !is_name_start(text[0])) return 0;
    while (n < text.size() && is_name_char(text[n])) ++n;
    return n;
}

auto unsupported(std::string_view form) {
    return fail("'" + std::string(form) + "' is not supported; " + std::string(kOnlyForms));
}

// A parsed "${...}": NAME, and WORD when written as ${NAME:-WORD}.
struct Reference {
    std::string_view name;
    std::string_view word;
    bool has_default = false;
};

Result<Reference> parse_braced(std::string_view inner) {
    Reference ref;
    std::size_t n = name_length(inner);
    ref.name = inner.substr(0, n);
    std::string_view rest = inner.substr(n);
    if (n == 0 || (!rest.empty() && !rest.starts_with(":-")))
        return unsupported("${" + std::string(inner) + "}");
    if (!rest.empty()) {
        ref.has_default = true;
        ref.word = rest.substr(2);
        if (ref.word.find_first_of("${") != std::string_view::npos)
            return unsupported("${" + std::string(inner) + "}");
    }
    return ref;
}

class Expander {
public:
    Expander(const EnvMap& lookup, const ExpandOptions& options) : lookup_(lookup), options_(options) {}

    Result<Expanded> run(std::string_view text) {
        std::size_t i = 0;
        while (i < text.size()) {
            if (text[i] != '$') {
                out_.value += text[i++];
                continue;
            }
            auto next = dollar(text, i);
            if (!next) return fail(next.error().message);
            i = *next;
        }
        return std::move(out_);
    }

private:
    // Handles the '$' at text[i]; returns the index after what it consumed.
    Result<std::size_t> dollar(std::string_view text, std::size_t i) {
        char c = i + 1 < text.size() ? text[i + 1] : '\0';
        if (c == '$') {
            out_.value += '$';
            return i + 2;
        }
        if (c == '{') return braced(text, i);
        if (c == '(') {
            std::size_t close = text.find(')', i);
            return unsupported(text.substr(i, close == std::string_view::npos ? close : close - i + 1));
        }
        if (is_name_start(c)) {
            std::string name(text.substr(i + 1, name_length(text.substr(i + 1))));
            return fail("'$" + name + "' is not expanded; write ${" + name + "}, or $$" + name +
                        " for literal text");
        }
        out_.value += '$';
        return i + 1;
    }

    Result<std::size_t> braced(std::string_view text, std::size_t i) {
        std::size_t close = text.find('}', i);
        if (close == std::string_view::npos)
            return fail("unterminated '${' at column " + std::to_string(i + 1));
        auto ref = parse_braced(text.substr(i + 2, close - i - 2));
        if (!ref) return fail(ref.error().message);
        auto done = substitute(*ref, text.substr(i, close - i + 1));
        if (!done) return fail(done.error().message);
        return close + 1;
    }

    Result<bool> substitute(const Reference& ref, std::string_view written) {
        std::string name(ref.name);
        if (options_.forbid_per_task && is_per_task_variable(name))
            return fail(name + " differs per task and cannot be used here; the container is shared by the node's tasks");
        if (options_.syntax_only) {
            out_.value += written;
            return true;
        }
        auto it = lookup_.find(name);
        if (it != lookup_.end() && !(ref.has_default && it->second.empty())) {
            out_.value += it->second;
        } else if (ref.has_default) {
            out_.value += ref.word;
        } else if (options_.defer_unset_slurm && name.starts_with("SLURM_")) {
            out_.value += written;
            out_.deferred = true;
        } else {
            return fail("variable '" + name + "' is not set; use ${" + name + ":-VALUE} for a default or $${" +
                        name + "} for literal text");
        }
        return true;
    }

    const EnvMap& lookup_;
    const ExpandOptions& options_;
    Expanded out_;
};

}  // namespace

Result<Expanded> expand(std::string_view text, const EnvMap& lookup, const ExpandOptions& options) {
    return Expander(lookup, options).run(text);
}

bool is_per_task_variable(std::string_view name) {
    for (std::string_view candidate : kPerTask)
        if (candidate == name) return true;
    return false;
}

bool is_identifier(std::string_view name) { return !name.empty() && name_length(name) == name.size(); }

}  // namespace skiff::edf
