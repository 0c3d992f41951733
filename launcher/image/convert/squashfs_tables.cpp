#include "launcher/image/convert/squashfs_tables.hpp"

#include <sqfs/dir_writer.h>
#include <sqfs/error.h>
#include <sqfs/inode.h>
#include <sqfs/io.h>
#include <sqfs/meta_writer.h>
#include <sqfs/super.h>

#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <set>

#include "launcher/image/convert/sqfs_ptr.hpp"

namespace skiff::image::convert {
namespace {

constexpr sqfs_u32 no_xattr = 0xFFFFFFFF;
constexpr unsigned ref_block_shift = 16;  // inode refs: block start << 16 | offset in block

struct SqfsFree {
    void operator()(sqfs_inode_generic_t* inode) const { sqfs_free(inode); }
};
using InodePtr = std::unique_ptr<sqfs_inode_generic_t, SqfsFree>;

struct Info {
    sqfs_u32 number = 0;
    sqfs_u32 links = 0;
    sqfs_u64 ref = 0;
    bool written = false;
};

// Inode numbers 1..N in post order (children before their directory; the root is N), and
// link counts: one per name for files and symlinks, 2 + subdirectories for directories.
class Numbering {
public:
    void visit(const Inode& dir) {
        sqfs_u32 subdirs = 0;
        for (const auto& [name, entry] : dir.children) {
            const Inode& child = *entry.inode;
            if (child.type == Inode::Type::directory) {
                visit(child);
                ++subdirs;
                continue;
            }
            Info& info = info_[&child];
            if (info.number == 0) info.number = next_++;
            ++info.links;
        }
        Info& self = info_[&dir];
        self.number = next_++;
        self.links = 2 + subdirs;
    }
    Info& at(const Inode& inode) { return info_.at(&inode); }
    sqfs_u32 count() const { return next_ - 1; }

private:
    std::map<const Inode*, Info> info_;
    sqfs_u32 next_ = 1;
};

sqfs_u16 type_bits(const Inode& inode) {
    switch (inode.type) {
        case Inode::Type::directory: return SQFS_INODE_MODE_DIR;
        case Inode::Type::file: return SQFS_INODE_MODE_REG;
        case Inode::Type::symlink: return SQFS_INODE_MODE_LNK;
    }
    return 0;
}

sqfs_u16 full_mode(const Inode& inode) { return static_cast<sqfs_u16>(type_bits(inode) | (inode.permissions & 07777)); }

sqfs_u32 clamp_time(std::int64_t t) {
    if (t < 0) return 0;
    if (t > std::numeric_limits<sqfs_u32>::max()) return std::numeric_limits<sqfs_u32>::max();
    return static_cast<sqfs_u32>(t);
}

InodePtr make_symlink(const Inode& link, sqfs_u32 links) {
    auto size = link.target.size();
    auto* raw = static_cast<sqfs_inode_generic_t*>(std::calloc(1, sizeof(sqfs_inode_generic_t) + size));
    if (!raw) return nullptr;
    raw->base.type = SQFS_INODE_SLINK;
    raw->payload_bytes_available = static_cast<sqfs_u32>(size);
    raw->payload_bytes_used = static_cast<sqfs_u32>(size);
    raw->data.slink.nlink = links;
    raw->data.slink.target_size = static_cast<sqfs_u32>(size);
    std::memcpy(raw->extra, link.target.data(), size);
    return InodePtr(raw);
}

class TableWriter {
public:
    TableWriter(TableContext& context, Numbering& numbering) : c_(context), numbers_(numbering) {}

    int open() {
        inodes_.reset(sqfs_meta_writer_create(c_.file, c_.compressor, 0));
        dirs_.reset(sqfs_meta_writer_create(c_.file, c_.compressor, SQFS_META_WRITER_KEEP_IN_MEMORY));
        if (!inodes_ || !dirs_) return SQFS_ERROR_ALLOC;
        dir_writer_.reset(sqfs_dir_writer_create(dirs_.get(), 0));
        return dir_writer_ ? 0 : SQFS_ERROR_ALLOC;
    }

    int write_directory(const Inode& dir, sqfs_u32 parent) {
        sqfs_u32 self = numbers_.at(dir).number;
        for (const auto& [name, entry] : dir.children) {
            const Inode& child = *entry.inode;
            int r = child.type == Inode::Type::directory ? write_directory(child, self) : write_leaf(child);
            if (r != 0) return r;
        }
        if (int r = sqfs_dir_writer_begin(dir_writer_.get(), 0); r != 0) return r;
        for (const auto& [name, entry] : dir.children) {
            const Info& info = numbers_.at(*entry.inode);
            if (int r = sqfs_dir_writer_add_entry(dir_writer_.get(), name.c_str(), info.number, info.ref,
                                                  full_mode(*entry.inode));
                r != 0)
                return r;
        }
        if (int r = sqfs_dir_writer_end(dir_writer_.get()); r != 0) return r;
        InodePtr inode(sqfs_dir_writer_create_inode(dir_writer_.get(), numbers_.at(dir).links, no_xattr, parent));
        if (!inode) return SQFS_ERROR_ALLOC;
        return emit(dir, inode.get());
    }

    int finish(const Inode& root) {
        if (int r = sqfs_meta_writer_flush(inodes_.get()); r != 0) return r;
        c_.super->root_inode_ref = numbers_.at(root).ref;
        c_.super->directory_table_start = c_.file->get_size(c_.file);
        if (int r = sqfs_meta_writer_flush(dirs_.get()); r != 0) return r;
        return sqfs_meta_write_write_to_file(dirs_.get());
    }

private:
    int write_leaf(const Inode& leaf) {
        Info& info = numbers_.at(leaf);
        if (info.written) return 0;  // a hard link to an inode already in the table
        if (leaf.type == Inode::Type::symlink) {
            InodePtr inode = make_symlink(leaf, info.links);
            return inode ? emit(leaf, inode.get()) : SQFS_ERROR_ALLOC;
        }
        sqfs_inode_generic_t* inode = c_.files->at(&leaf);
        if (info.links > 1) {
            if (int r = sqfs_inode_make_extended(inode); r != 0) return r;
            inode->data.file_ext.nlink = info.links;
        }
        return emit(leaf, inode);
    }

    int emit(const Inode& node, sqfs_inode_generic_t* inode) {
        Info& info = numbers_.at(node);
        inode->base.mode = full_mode(node);
        inode->base.uid_idx = c_.owner_id_index;
        inode->base.gid_idx = c_.owner_id_index;
        inode->base.mod_time = clamp_time(node.mtime);
        inode->base.inode_number = info.number;
        sqfs_u64 block = 0;
        sqfs_u32 offset = 0;
        sqfs_meta_writer_get_position(inodes_.get(), &block, &offset);
        info.ref = block << ref_block_shift | offset;
        info.written = true;
        return sqfs_meta_writer_write_inode(inodes_.get(), inode);
    }

    TableContext& c_;
    Numbering& numbers_;
    SqfsPtr<sqfs_meta_writer_t> inodes_;
    SqfsPtr<sqfs_meta_writer_t> dirs_;
    SqfsPtr<sqfs_dir_writer_t> dir_writer_;  // destroyed before dirs_
};

void collect_files(const Inode& dir, const FileInodes& files, std::set<const Inode*>& seen,
                   std::vector<const Inode*>& out) {
    for (const auto& [name, entry] : dir.children) {
        const Inode& child = *entry.inode;
        if (child.type == Inode::Type::directory) collect_files(child, files, seen, out);
        else if (child.type == Inode::Type::file && !files.contains(&child) && seen.insert(&child).second)
            out.push_back(&child);
    }
}

}  // namespace

std::vector<const Inode*> files_without_data(const Inode& root, const FileInodes& files) {
    std::set<const Inode*> seen;
    std::vector<const Inode*> out;
    collect_files(root, files, seen, out);
    return out;
}

int write_inode_and_directory_tables(TableContext& context, const Inode& root) {
    Numbering numbering;
    numbering.visit(root);
    context.super->inode_count = numbering.count();
    context.super->inode_table_start = context.file->get_size(context.file);
    TableWriter writer(context, numbering);
    if (int r = writer.open(); r != 0) return r;
    // The root's parent is one past the last inode, as mksquashfs writes it.
    if (int r = writer.write_directory(root, numbering.count() + 1); r != 0) return r;
    return writer.finish(root);
}

}  // namespace skiff::image::convert
