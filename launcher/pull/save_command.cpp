// `skiff-pull save -o FILE --tree FD --image FD [--restore PATH]... [--restore-if-unchanged
// INODE:CTIME_NS:PATH]... [--exit-status N] [--gzip]`:
// what `skiff run --save` becomes once the container's command has exited
// (launcher/run/save_container.hpp). FD --tree is the container's root without its mounts, FD
// --image the image's root; each --restore names a path skiff put there
// (convert/restore_from_image.hpp); each --restore-if-unchanged INODE:CTIME_NS:PATH names a file
// skiff wrote, taken back only if the root still has that very file unchanged. On success it
// exits with N, the command's own status.
#include <charconv>
#include <optional>

#include "launcher/image/convert/convert.hpp"
#include "launcher/pull/commands.hpp"
#include "launcher/pull/convert_output.hpp"

namespace skiff::pull {
namespace {

struct SaveArgs {
    std::optional<std::string> output;
    image::convert::RestoreFromImage restore;  // its tree_fd and image_fd are --tree and --image
    int exit_status = 0;
    image::convert::SquashfsOptions options;
};

bool parse_int(const std::string& text, int& value) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size() && value >= 0;
}

Result<SaveArgs> parse_save_args(const std::vector<std::string>& args) {
    SaveArgs save;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& word = args[i];
        bool has_value = i + 1 < args.size();
        if (word == "--gzip") save.options.compression = image::convert::Compression::gzip;
        else if (word == "-o" && has_value) save.output = args[++i];
        else if (word == "--restore" && has_value) save.restore.paths.push_back(args[++i]);
        else if (word == "--restore-if-unchanged" && has_value) save.restore.written.push_back(args[++i]);
        else if (word == "--tree" && has_value && parse_int(args[i + 1], save.restore.tree_fd)) ++i;
        else if (word == "--image" && has_value && parse_int(args[i + 1], save.restore.image_fd)) ++i;
        else if (word == "--exit-status" && has_value && parse_int(args[i + 1], save.exit_status)) ++i;
        else return fail("save: unexpected argument '" + word + "' (skiff-pull save is run by skiff run --save)");
    }
    if (!save.output || save.restore.tree_fd < 0 || save.restore.image_fd < 0)
        return fail("save: -o, --tree and --image are required (skiff-pull save is run by skiff run --save)");
    return save;
}

}  // namespace

int save_command(const std::vector<std::string>& args) {
    auto save = parse_save_args(args);
    if (!save) return report(save.error().message);
    image::convert::ConvertInput input;
    image::convert::LayerSource root;
    root.kind = image::convert::LayerSource::Kind::directory;
    root.path = "/proc/self/fd/" + std::to_string(save->restore.tree_fd);
    root.name = "the container";
    root.whiteouts = false;
    input.layers.push_back(root);
    input.restore = std::move(save->restore);
    auto written = convert_into(input, *save->output, save->options);
    if (!written) return report("--save " + *save->output + ": " + written.error().message + "; nothing was written");
    return save->exit_status;
}

}  // namespace skiff::pull
