#include "launcher/image/convert/convert.hpp"

#include <algorithm>
#include <set>

#include "launcher/image/metadata_format.hpp"

namespace skiff::image::convert {
namespace {

// The files of the finished tree, split by where their bytes are; hard links appear once.
struct DataPlan {
    std::vector<WantedEntries> per_layer;
    std::vector<const Inode*> other;  // host files and inline bytes
};

void plan_data(const Inode& dir, DataPlan& plan, std::set<const Inode*>& seen) {
    for (const auto& [name, entry] : dir.children) {
        const Inode& child = *entry.inode;
        if (child.type == Inode::Type::directory) plan_data(child, plan, seen);
        if (child.type != Inode::Type::file || !seen.insert(&child).second) continue;
        if (child.data.kind == DataRef::Kind::layer_entry) plan.per_layer[child.data.layer][child.data.ordinal] = &child;
        else plan.other.push_back(&child);
    }
}

std::int64_t newest_mtime(const Inode& dir) {
    std::int64_t newest = dir.mtime;
    for (const auto& [name, entry] : dir.children)
        newest = std::max(newest, entry.inode->type == Inode::Type::directory ? newest_mtime(*entry.inode) : entry.inode->mtime);
    return newest;
}

// Files read from the host (a directory image, a saved container): a progress event each tenth
// of their bytes, so that a log gets ten lines and a terminal a moving bar.
Result<void> write_other_files(const std::vector<const Inode*>& files, SquashfsWriter& writer, const Progress& progress) {
    std::uint64_t total = 0, done = 0;
    for (const Inode* file : files) total += file->data.size;
    std::uint64_t next_report = 0;
    for (const Inode* file : files) {
        if (done >= next_report && total > 0) {
            progress("writing files: " + std::to_string(done >> 20) + " of " + std::to_string(total >> 20) + " MiB",
                     static_cast<std::size_t>(done >> 10), static_cast<std::size_t>(total >> 10));
            next_report = done + total / 10;
        }
        if (auto r = write_file_data(*file, writer); !r) return r;
        done += file->data.size;
    }
    return {};
}

}  // namespace

Result<ConvertResult> convert_to_squashfs(const ConvertInput& input, int fd, const std::string& path,
                                          const SquashfsOptions& options, const Progress& progress) {
    LayerTree tree;
    const std::size_t steps = 2 * input.layers.size() + 1;
    for (std::size_t i = 0; i < input.layers.size(); ++i) {
        progress("reading " + input.layers[i].name + " (" + std::to_string(i + 1) + "/" +
                 std::to_string(input.layers.size()) + ")", i, steps);
        if (auto r = read_layer_tree(input.layers[i], i, tree); !r) return Unexpected(r.error());
    }
    std::vector<UniqueFd> held;
    if (input.restore)
        if (auto r = restore_from_image(tree, *input.restore, held); !r) return Unexpected(r.error());
    if (input.metadata)
        tree.put_file(skiff_metadata_path, format_skiff_metadata(*input.metadata, input.reference), newest_mtime(*tree.root()));
    DataPlan plan;
    plan.per_layer.resize(input.layers.size());
    std::set<const Inode*> seen;
    plan_data(*tree.root(), plan, seen);

    auto writer = SquashfsWriter::create(fd, path, options);
    if (!writer) return Unexpected(writer.error());
    for (std::size_t i = 0; i < input.layers.size(); ++i) {
        if (plan.per_layer[i].empty()) continue;
        progress("writing the files of " + input.layers[i].name, input.layers.size() + i, steps);
        if (auto r = stream_layer_data(input.layers[i], plan.per_layer[i], **writer); !r) return Unexpected(r.error());
    }
    if (auto r = write_other_files(plan.other, **writer, progress); !r) return Unexpected(r.error());
    progress("writing the squashfs tables", steps - 1, steps);
    if (auto r = (*writer)->finish(*tree.root()); !r) return Unexpected(r.error());
    return ConvertResult{tree.skipped_special_files(), (*writer)->bytes_written()};
}

}  // namespace skiff::image::convert
