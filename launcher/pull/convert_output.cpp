#include "launcher/pull/convert_output.hpp"

#include "launcher/image/convert/output_file.hpp"
#include "launcher/pull/progress.hpp"

namespace skiff::pull {

Result<void> convert_into(const image::convert::ConvertInput& input, const std::string& path,
                          const image::convert::SquashfsOptions& options) {
    auto out = image::convert::OutputFile::create(path);
    if (!out) return Unexpected(out.error());
    ProgressPrinter printer;
    auto result = image::convert::convert_to_squashfs(
        input, out->fd(), path, options,
        [&](const std::string& text, std::size_t done, std::size_t total) { printer.event(text, done, total); });
    if (!result) return Unexpected(result.error());
    if (auto r = out->commit(); !r) return r;
    std::string note = result->skipped_special_files == 0
                           ? ""
                           : " (skipped " + std::to_string(result->skipped_special_files) +
                                 " device nodes, FIFOs or sockets, which a rootless container cannot use)";
    printer.finish("wrote " + path + ", " + std::to_string(result->bytes) + " bytes" + note);
    return {};
}

}  // namespace skiff::pull
