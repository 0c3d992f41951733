// `skiff image import PATH[:TAG] -o FILE.sqsh [--gzip]`.
#include <cstdio>
#include <optional>

#include "launcher/image/convert/image_source.hpp"
#include "launcher/image/convert/output_file.hpp"
#include "launcher/image/registry/platform.hpp"
#include "launcher/image/store.hpp"
#include "launcher/pull/commands.hpp"
#include "launcher/pull/convert_output.hpp"

namespace skiff::pull {

int import_command(const std::vector<std::string>& args) {
    std::optional<std::string> source, output;
    image::convert::SquashfsOptions options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "-o" && i + 1 < args.size()) output = args[++i];
        else if (args[i] == "--gzip") options.compression = image::convert::Compression::gzip;
        else if (!args[i].starts_with('-') && !source) source = args[i];
        else return report("image import: unexpected argument '" + args[i] + "'");
    }
    if (!source || !output) return report("image import: usage: skiff image import PATH[:TAG] -o FILE.sqsh [--gzip]");
    auto input = image::convert::import_source(*source, image::host_platform().architecture);
    if (!input) return report(input.error().message);
    for (const auto& w : input->warnings) std::fprintf(stderr, "skiff: warning: %s\n", w.c_str());
    auto written = convert_into(input->convert, *output, options);
    if (!written) return report(written.error().message);
    return 0;
}

}  // namespace skiff::pull
