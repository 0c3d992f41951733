// libFuzzer target: CDI spec files (gpu.md §3) on arbitrary bytes, through both readers: the
// YAML-to-JSON converter (libyaml events, anchors refused, nesting bounded) and the spec
// checker behind it, and the JSON reader. Besides no crash, no out-of-bounds read (ASan), no
// undefined behaviour (UBSan) and no leak, every error must be one line that names the file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "hooks/cdi/spec_parse.hpp"
#include "hooks/cdi/yaml_to_json.hpp"

namespace {

void check(bool ok) {
    if (!ok) __builtin_trap();  // libFuzzer reports it as a crash and keeps the input
}

void parse_as(std::string_view text, skiff::cdi::SpecFormat format) {
    auto spec = skiff::cdi::parse_spec_text(text, format, "f.spec");
    if (!spec) check(spec.error().message.starts_with("f.spec: ") && spec.error().message.find('\n') == std::string::npos);
    else check(!spec->devices.empty() && !spec->kind.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto tree = skiff::cdi::yaml_to_json(text);
    if (tree) check(!tree->is_discarded());
    parse_as(text, skiff::cdi::SpecFormat::yaml);
    parse_as(text, skiff::cdi::SpecFormat::json);
    return 0;
}
