// libsquashfuse's C headers, included the way they need to be (fast-start.md, "Header
// quirk"): they expect its config.h and the FUSE version macros to be defined first.
#pragma once

#define SQFS_CONFIG_H
#define FUSE_USE_VERSION 312
#define HAVE_LINUX_TYPES_LE16
extern "C" {
#include <squashfuse/ll.h>
sqfs_err sqfs_stat(sqfs* fs, sqfs_inode* inode, struct stat* st);
}
