#include "hooks/nvidia/driver_info.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <charconv>

#include "common/read_small_file.hpp"

namespace skiff::hooks::nvidia {
namespace {

constexpr std::size_t proc_file_limit = 64 * 1024;
constexpr std::size_t max_gpus = 256;

bool is_version_word(std::string_view word) {
    if (word.empty() || word.find('.') == std::string_view::npos) return false;
    if (word.front() < '0' || word.front() > '9' || word.back() == '.') return false;
    return std::all_of(word.begin(), word.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

std::string_view trimmed(std::string_view text) {
    auto begin = text.find_first_not_of(" \t");
    if (begin == std::string_view::npos) return {};
    auto end = text.find_last_not_of(" \t\r");
    return text.substr(begin, end - begin + 1);
}

// The value of "Key:<tabs>value" in `text`, or "".
std::string_view field(std::string_view text, std::string_view key) {
    std::size_t at = 0;
    while (at < text.size()) {
        auto end = text.find('\n', at);
        auto line = text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
        if (line.starts_with(key) && line.size() > key.size() && line[key.size()] == ':')
            return trimmed(line.substr(key.size() + 1));
        if (end == std::string_view::npos) break;
        at = end + 1;
    }
    return {};
}

std::vector<std::string> gpu_directories(const std::string& gpus_dir) {
    std::vector<std::string> names;
    DIR* dir = ::opendir(gpus_dir.c_str());
    if (!dir) return names;
    while (dirent* entry = ::readdir(dir))
        if (entry->d_name[0] != '.' && names.size() < max_gpus) names.emplace_back(entry->d_name);
    ::closedir(dir);
    std::sort(names.begin(), names.end());  // bus locations: NVML's order
    return names;
}

}  // namespace

std::optional<std::string> parse_driver_version(std::string_view text) {
    auto line = text.substr(0, text.find('\n'));
    std::size_t at = 0;
    while (at < line.size()) {
        auto end = line.find_first_of(" \t", at);
        auto word = line.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
        if (is_version_word(word) && word.size() <= 32) return std::string(word);
        if (end == std::string_view::npos) break;
        at = end + 1;
    }
    return std::nullopt;
}

std::optional<Gpu> parse_gpu_information(std::string_view text, const std::string& bus) {
    Gpu gpu{bus, std::string(field(text, "GPU UUID")), -1, std::string(field(text, "Model"))};
    auto minor_text = field(text, "Device Minor");
    int minor = -1;
    auto [end, ec] = std::from_chars(minor_text.data(), minor_text.data() + minor_text.size(), minor);
    if (ec != std::errc() || end != minor_text.data() + minor_text.size() || minor < 0 || minor > 254) return std::nullopt;
    gpu.minor = minor;
    return gpu;
}

Result<std::optional<DriverInfo>> read_driver_info(const std::string& proc_dir) {
    std::string version_file = proc_dir + "/version";
    struct stat st {};
    if (::stat(version_file.c_str(), &st) != 0) return std::optional<DriverInfo>{};
    auto text = read_small_file(version_file, proc_file_limit);
    auto version = text ? parse_driver_version(*text) : std::nullopt;
    if (!version) return fail("nvidia hook: no driver version in '" + version_file + "'");
    DriverInfo info{*version, {}};
    for (const auto& bus : gpu_directories(proc_dir + "/gpus")) {
        std::string file = proc_dir + "/gpus/" + bus + "/information";
        auto information = read_small_file(file, proc_file_limit);
        auto gpu = information ? parse_gpu_information(*information, bus) : std::nullopt;
        if (!gpu) return fail("nvidia hook: no device minor in '" + file + "'");
        info.gpus.push_back(std::move(*gpu));
    }
    return std::optional<DriverInfo>(std::move(info));
}

}  // namespace skiff::hooks::nvidia
