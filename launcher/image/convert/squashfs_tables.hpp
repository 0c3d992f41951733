// The metadata half of squashfs_writer: inode numbers, link counts, the inode table and the
// directory table, written from the in-memory tree once all file data is in. Prefixes of the
// wrapped C library: sqfs_ (libsquashfs).
#pragma once

#include <sqfs/predef.h>

#include <map>
#include <vector>

#include "launcher/image/convert/layer_tree.hpp"

namespace skiff::image::convert {

// The file inodes the block processor filled in, by tree inode.
using FileInodes = std::map<const Inode*, sqfs_inode_generic_t*>;

struct TableContext {
    sqfs_file_t* file;
    sqfs_compressor_t* compressor;
    sqfs_super_t* super;        // inode_count, root_inode_ref and the table starts are set
    const FileInodes* files;
    sqfs_u16 owner_id_index;    // uid and gid of every inode
};

// Regular files of the tree that no data was written for (empty files), each once.
std::vector<const Inode*> files_without_data(const Inode& root, const FileInodes& files);

// Returns 0 or an SQFS_ERROR code.
int write_inode_and_directory_tables(TableContext& context, const Inode& root);

}  // namespace skiff::image::convert
