// Reading tar archives with libarchive: a tar file (any compression libarchive reads), or a
// member of an outer tar file read as a tar of its own (the layers of a Docker `save`
// archive), without extracting anything to disk. Prefixes of the wrapped C library:
// archive_ (libarchive).
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace skiff::image::convert {

struct ArchiveFree {
    void operator()(archive* a) const { archive_read_free(a); }
};
using Archive = std::unique_ptr<archive, ArchiveFree>;

std::string archive_message(archive* a);

struct OuterArchive;

// An open tar archive. For a member, the outer archive stays open behind the inner one: the
// inner archive's reads are reads of the member's data.
class TarArchive {
public:
    TarArchive();
    TarArchive(TarArchive&&) noexcept;
    TarArchive& operator=(TarArchive&&) noexcept;
    ~TarArchive();
    archive* get() const { return inner_.get(); }

    // `name` names the archive in errors ("layer 0123...", "tarball 'x.tar'").
    static Result<TarArchive> open(const std::string& path, const std::string& name);
    // `member` of the tar file `path`, itself read as a tar archive.
    static Result<TarArchive> open_member(const std::string& path, const std::string& member, const std::string& name);

private:
    std::unique_ptr<OuterArchive> outer_;  // declared first: destroyed after the inner archive
    Archive inner_;
};

// Advances `a` to the regular-file member `member` ("./" prefixes ignored on both sides).
// False at the end of the archive without finding it.
Result<bool> seek_member(archive* a, const std::string& member, const std::string& name);

// The bytes of regular-file member `member` of tar file `path`, at most `max_bytes` of them.
Result<std::string> read_member(const std::string& path, const std::string& member, std::size_t max_bytes,
                                const std::string& name);

// The bytes of the current entry of `a`, at most `max_bytes` of them.
Result<std::string> read_entry(archive* a, std::size_t max_bytes, const std::string& name);

// "./a//b" -> "a/b": how member names are compared.
std::string normal_member_name(const std::string& name);

}  // namespace skiff::image::convert
