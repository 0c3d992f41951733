#include "launcher/edf/annotations.hpp"

namespace skiff::edf {
namespace {

constexpr std::string_view kEnvPrefix = "OCI_ANNOTATION_";

bool is_key_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

}  // namespace

std::string annotation_key_problem(std::string_view key) {
    std::string quoted = "'" + std::string(key) + "'";
    std::size_t pos = 0;
    while (pos <= key.size()) {
        std::size_t dot = key.find('.', pos);
        if (dot == std::string_view::npos) dot = key.size();
        std::string_view part = key.substr(pos, dot - pos);
        if (part.empty()) return "annotation key " + quoted + " has an empty part; write parts joined by single dots";
        for (char c : part)
            if (!is_key_char(c))
                return "annotation key " + quoted + " may only use letters, digits, '_' and '-' per part";
        pos = dot + 1;
    }
    return {};
}

std::string annotation_env_name(std::string_view key) {
    std::string name(kEnvPrefix);
    for (char c : key) {
        if (c == '.') name += "__";
        else name += c == '-' ? '_' : c;
    }
    return name;
}

std::string host_annotation_warning(const EnvMap& host_env) {
    std::string found;
    for (auto it = host_env.lower_bound(std::string(kEnvPrefix)); it != host_env.end(); ++it) {
        if (!it->first.starts_with(kEnvPrefix)) break;
        std::string key = it->first.substr(kEnvPrefix.size());
        for (std::size_t pos = key.find("__"); pos != std::string::npos; pos = key.find("__", pos + 1))
            key.replace(pos, 2, ".");
        found += (found.empty() ? "" : ", ") + it->first + " (annotation " + key + ")";
    }
    if (found.empty()) return {};
    return "ignoring host variables " + found +
           "; annotations come only from the EDF and --annotation, so set them under [annotations]";
}

}  // namespace skiff::edf
