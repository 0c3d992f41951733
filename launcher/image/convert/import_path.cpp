#include "launcher/image/convert/import_path.hpp"

namespace skiff::image::convert {

ImportPath split_import_path(const std::string& arg, const std::function<bool(const std::string&)>& exists) {
    if (exists(arg)) return {arg, ""};
    for (std::size_t colon = arg.rfind(':'); colon != std::string::npos && colon > 0; colon = arg.rfind(':', colon - 1)) {
        std::string path = arg.substr(0, colon);
        if (exists(path)) return {path, arg.substr(colon + 1)};
    }
    return {arg, ""};
}

}  // namespace skiff::image::convert
