// A corpus of hostile squashfs images, made at test time from a real one (nothing binary is
// committed): the crafted name lengths of the hardening review, every superblock field that
// libsquashfuse trusts, truncations, and seeded bit flips in the tables.
#pragma once

#include <string>
#include <vector>

namespace skiff::test {

struct HostileImage {
    enum class Expect {
        refused,           // every reader refuses it: skiff exits 125 with one line naming it
        refused_as_image,  // a launch from it is refused; its root lists, so as a data mount only
                           // the command's lookups below the root fail
        no_crash,          // anything but a crash: launches may work, or fail with one line
    };
    std::string what;  // e.g. "superblock: block_size = 0"
    std::string path;
    Expect expect;
};

// Adds the files the corpus patches to an image's tree `root`: empty files with 250-character
// names that sort before any lowercase name, three in the root (few enough for a listing
// without an index, so a lookup of "etc" reads their entries) and 300 in etc/ (enough for a
// directory index, which a lookup of "etc/passwd" reads).
void add_long_names(const std::string& root);

// mksquashfs options for the base image: metadata and fragments stored plain, so that the
// corpus can find and patch fields by their bytes.
std::vector<std::string> plain_metadata_options();

// Writes the corpus into `out_dir` from `base`, an image made with plain_metadata_options()
// whose root directory got add_long_names(). Returns the images; empty if `base` lacks what
// the corpus patches (the reason is in `why`).
std::vector<HostileImage> write_hostile_corpus(const std::string& base, const std::string& out_dir,
                                               std::string& why);

// Writes to `out` a copy of `base` (as above) whose first long name in the root points at an
// inode past the end of its metadata block: the name lists, and only a lookup of it fails.
bool write_damaged_entry_inode(const std::string& base, const std::string& out, std::string& why);

}  // namespace skiff::test
