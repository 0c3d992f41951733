#include "launcher/image/convert/squashfs_writer.hpp"

#include <sqfs/block_processor.h>
#include <sqfs/block_writer.h>
#include <sqfs/compressor.h>
#include <sqfs/error.h>
#include <sqfs/frag_table.h>
#include <sqfs/id_table.h>
#include <sqfs/inode.h>
#include <sqfs/super.h>
#include <unistd.h>

#include <cstring>

#include "launcher/image/convert/sqfs_fd_file.hpp"
#include "launcher/image/convert/sqfs_ptr.hpp"
#include "launcher/image/convert/squashfs_tables.hpp"
#include "common/sys_error.hpp"

namespace skiff::image::convert {
namespace {

constexpr std::size_t block_size = SQFS_DEFAULT_BLOCK_SIZE;  // 128 KiB, as mksquashfs
// Level 6: about three times faster to write than the library default (15) for a few per
// cent more bytes; reading speed does not depend on the level.
constexpr unsigned zstd_level = 6;
constexpr unsigned gzip_level = 6;
constexpr unsigned backlog_per_worker = 10;

unsigned worker_count(unsigned requested) {
    if (requested > 0) return requested;
    long online = ::sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? static_cast<unsigned>(online) : 1;
}

std::string sqfs_message(int code) {
    switch (code) {
        case SQFS_ERROR_ALLOC: return "out of memory";
        case SQFS_ERROR_IO: return "input/output error";
        case SQFS_ERROR_COMPRESSOR: return "compressor error";
        case SQFS_ERROR_OVERFLOW: return "a size or count exceeds what squashfs can hold";
        default: return "libsquashfs error " + std::to_string(code);
    }
}

}  // namespace

struct SquashfsWriter::State {
    std::string path;
    FdFile file{};
    sqfs_super_t super{};
    SqfsPtr<sqfs_compressor_t> compressor;
    SqfsPtr<sqfs_block_writer_t> block_writer;
    SqfsPtr<sqfs_frag_table_t> fragments;
    SqfsPtr<sqfs_id_table_t> ids;
    SqfsPtr<sqfs_block_processor_t> processor;
    FileInodes files;  // updated by the processor until it is finished
    sqfs_u16 root_id_index = 0;

    ~State() {
        processor.reset();  // it holds pointers into `files`
        for (auto& [node, inode] : files) sqfs_free(inode);
    }
};

SquashfsWriter::SquashfsWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
SquashfsWriter::~SquashfsWriter() = default;

Error SquashfsWriter::error(const std::string& what, int code) const {
    if (state_->file.error != 0)
        return SysError{state_->file.error, "write", state_->path}.to_error(what);
    return Error{what + ": '" + state_->path + "': " + sqfs_message(code)};
}

Result<std::unique_ptr<SquashfsWriter>> SquashfsWriter::create(int fd, const std::string& path,
                                                               const SquashfsOptions& options) {
    auto state = std::make_unique<State>();
    state->path = path;
    init_fd_file(state->file, fd);
    sqfs_file_t* file = &state->file.base;
    auto id = options.compression == Compression::zstd ? SQFS_COMP_ZSTD : SQFS_COMP_GZIP;
    sqfs_compressor_config_t config{};
    sqfs_compressor_config_init(&config, id, block_size, 0);
    config.level = options.compression == Compression::zstd ? zstd_level : gzip_level;
    sqfs_compressor_t* compressor = nullptr;
    if (int r = sqfs_compressor_create(&config, &compressor); r != 0)
        return fail("squashfs: cannot create the " + std::string(sqfs_compressor_name_from_id(id)) +
                    " compressor: " + sqfs_message(r));
    state->compressor.reset(compressor);
    auto writer = std::unique_ptr<SquashfsWriter>(new SquashfsWriter(std::move(state)));
    State& s = *writer->state_;
    sqfs_super_init(&s.super, block_size, 0, id);
    if (int r = sqfs_super_write(&s.super, file); r != 0) return Unexpected(writer->error("squashfs superblock", r));
    int written = compressor->write_options(compressor, file);
    if (written < 0) return Unexpected(writer->error("squashfs compressor options", written));
    if (written > 0) s.super.flags |= SQFS_FLAG_COMPRESSOR_OPTIONS;
    s.block_writer.reset(sqfs_block_writer_create(file, SQFS_DEVBLK_SIZE, 0));
    s.fragments.reset(sqfs_frag_table_create(0));
    s.ids.reset(sqfs_id_table_create(0));
    if (!s.block_writer || !s.fragments || !s.ids) return fail("squashfs: out of memory");
    // Every inode is owned by root (layer_tree.hpp); the id table holds that one id.
    if (int r = sqfs_id_table_id_to_index(s.ids.get(), 0, &s.root_id_index); r != 0)
        return Unexpected(writer->error("squashfs id table", r));
    unsigned workers = worker_count(options.workers);
    s.processor.reset(sqfs_block_processor_create(block_size, compressor, workers, workers * backlog_per_worker,
                                                  s.block_writer.get(), s.fragments.get()));
    if (!s.processor) return fail("squashfs: cannot start the block processor");
    return writer;
}

Result<void> SquashfsWriter::begin_file(const Inode& file) {
    auto [it, inserted] = state_->files.emplace(&file, nullptr);
    if (!inserted) return fail("internal: file data written twice");
    if (int r = sqfs_block_processor_begin_file(state_->processor.get(), &it->second, nullptr, 0); r != 0)
        return Unexpected(error("squashfs data", r));
    return {};
}

Result<void> SquashfsWriter::append(const void* data, std::size_t size) {
    if (int r = sqfs_block_processor_append(state_->processor.get(), data, size); r != 0)
        return Unexpected(error("squashfs data", r));
    return {};
}

Result<void> SquashfsWriter::end_file() {
    if (int r = sqfs_block_processor_end_file(state_->processor.get()); r != 0)
        return Unexpected(error("squashfs data", r));
    return {};
}

Result<void> SquashfsWriter::finish(const Inode& root) {
    State& s = *state_;
    for (const Inode* file : files_without_data(root, s.files)) {
        if (auto r = begin_file(*file); !r) return r;
        if (auto r = end_file(); !r) return r;
    }
    if (int r = sqfs_block_processor_finish(s.processor.get()); r != 0) return Unexpected(error("squashfs data", r));
    TableContext context{&s.file.base, s.compressor.get(), &s.super, &s.files, s.root_id_index};
    if (int r = write_inode_and_directory_tables(context, root); r != 0)
        return Unexpected(error("squashfs inode table", r));
    if (int r = sqfs_frag_table_write(s.fragments.get(), &s.file.base, &s.super, s.compressor.get()); r != 0)
        return Unexpected(error("squashfs fragment table", r));
    if (int r = sqfs_id_table_write(s.ids.get(), &s.file.base, &s.super, s.compressor.get()); r != 0)
        return Unexpected(error("squashfs id table", r));
    s.super.flags |= SQFS_FLAG_NO_XATTRS;
    s.super.bytes_used = s.file.size;
    // The image is padded to the device block size, as mksquashfs does (loop devices).
    std::uint64_t padded = (s.file.size + SQFS_DEVBLK_SIZE - 1) / SQFS_DEVBLK_SIZE * SQFS_DEVBLK_SIZE;
    if (padded > s.file.size) {
        std::string zeros(padded - s.file.size, '\0');
        if (int r = s.file.base.write_at(&s.file.base, s.file.size, zeros.data(), zeros.size()); r != 0)
            return Unexpected(error("squashfs padding", r));
    }
    if (int r = sqfs_super_write(&s.super, &s.file.base); r != 0) return Unexpected(error("squashfs superblock", r));
    return {};
}

std::uint64_t SquashfsWriter::bytes_written() const { return state_->file.size; }

}  // namespace skiff::image::convert
