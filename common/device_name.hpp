// A device request, as the EDF's `devices`, `--device` and CDI name it (gpu.md §3): a CDI
// name "vendor/class=name" (vendor and class: letters, digits, '.', '_', '-', a letter first;
// name: also ':', alphanumeric first; each ends alphanumeric), or a host device path "/dev/...".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace skiff {

struct CdiName {
    std::string vendor;  // "nvidia.com"
    std::string cls;     // "gpu"
    std::string name;    // "0", "GPU-<uuid>", "all"
    std::string kind() const { return vendor + "/" + cls; }
};

std::optional<CdiName> parse_cdi_name(const std::string& text);

// Why `kind` is not a valid "vendor/class", or "" when it is.
std::string cdi_kind_problem(std::string_view kind);

// Why `name` is not a valid device name, or "" when it is.
std::string cdi_name_problem(std::string_view name);

// Why `text` is neither a CDI name nor a /dev path, as the end of a message; "" when it is one.
std::string device_request_problem(const std::string& text);

}  // namespace skiff
