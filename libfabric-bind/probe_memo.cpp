#include "libfabric-bind/probe_memo.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include "common/read_small_file.hpp"
#include "common/replace_file.hpp"

namespace skiff::ldcache {
namespace {

// Bump when the remembered fields or the way a scan reads them change.
constexpr std::string_view memo_header = "skiff-elf-probes 1\n";
// A memo this large is not one skiff wrote (max_entries lines of at most ~300 bytes).
constexpr std::size_t memo_size_limit = std::size_t{8} << 20;

std::int64_t nanoseconds(const struct timespec& t) { return t.tv_sec * 1'000'000'000 + t.tv_nsec; }

void put_number(std::string& out, auto value) {
    out += std::to_string(value);
    out += ' ';
}

void put_entry(std::string& out, const FileIdentity& id, const RememberedProbe& probe) {
    for (std::uint64_t n : {id.device, id.inode, id.size}) put_number(out, n);
    for (std::int64_t n : {id.mtime_ns, id.ctime_ns}) put_number(out, n);
    if (!probe) {
        out += "-\n";
        return;
    }
    out += "E ";
    put_number(out, probe->type);
    put_number(out, probe->machine);
    out += probe->has_dynamic ? "1 " : "0 ";
    out += probe->is_64bit ? "1 " : "0 ";
    out += probe->byte_order == std::endian::little ? "l " : "b ";
    if (probe->x86_isa_needed) put_number(out, *probe->x86_isa_needed);
    else out += "- ";
    // The SONAME last, length first: it may hold any byte but NUL, a newline too.
    if (probe->soname) {
        put_number(out, probe->soname->size());
        out += *probe->soname;
    } else {
        out += "-";
    }
    out += '\n';
}

// Reads the fields put_entry() wrote; every method fails (returns false/nullopt) on anything
// else, and the caller then drops the whole memo.
class Cursor {
public:
    explicit Cursor(std::string_view text) : rest_(text) {}
    bool at_end() const { return rest_.empty(); }

    template <class T>
    std::optional<T> number() {
        T value{};
        auto [end, ec] = std::from_chars(rest_.data(), rest_.data() + rest_.size(), value);
        if (ec != std::errc{} || end == rest_.data() || !skip(end, ' ')) return std::nullopt;
        return value;
    }
    // `word` followed by `then`.
    bool literal(std::string_view word, char then) {
        if (!rest_.starts_with(word)) return false;
        return skip(rest_.data() + word.size(), then);
    }
    std::optional<std::string> bytes(std::size_t count) {
        if (count > rest_.size()) return std::nullopt;
        std::string value(rest_.substr(0, count));
        rest_.remove_prefix(count);
        return value;
    }

private:
    bool skip(const char* at, char expected) {
        auto used = static_cast<std::size_t>(at - rest_.data());
        if (used >= rest_.size() || rest_[used] != expected) return false;
        rest_.remove_prefix(used + 1);
        return true;
    }
    std::string_view rest_;
};

std::optional<elf::ElfInfo> read_facts(Cursor& in) {
    elf::ElfInfo info;
    auto type = in.number<std::uint16_t>();
    auto machine = in.number<std::uint16_t>();
    if (!type || !machine) return std::nullopt;
    info.type = *type;
    info.machine = *machine;
    bool dyn = in.literal("1", ' ');
    if (!dyn && !in.literal("0", ' ')) return std::nullopt;
    bool wide = in.literal("1", ' ');
    if (!wide && !in.literal("0", ' ')) return std::nullopt;
    bool little = in.literal("l", ' ');
    if (!little && !in.literal("b", ' ')) return std::nullopt;
    info.has_dynamic = dyn;
    info.is_64bit = wide;
    info.byte_order = little ? std::endian::little : std::endian::big;
    if (!in.literal("-", ' ')) {
        info.x86_isa_needed = in.number<std::uint32_t>();
        if (!info.x86_isa_needed) return std::nullopt;
    }
    if (in.literal("-", '\n')) return info;
    auto length = in.number<std::size_t>();
    if (!length || !(info.soname = in.bytes(*length)) || !in.literal("", '\n')) return std::nullopt;
    return info;
}

std::optional<std::pair<FileIdentity, RememberedProbe>> read_entry(Cursor& in) {
    FileIdentity id;
    auto device = in.number<std::uint64_t>(), inode = in.number<std::uint64_t>(), size = in.number<std::uint64_t>();
    auto mtime = in.number<std::int64_t>(), ctime = in.number<std::int64_t>();
    if (!device || !inode || !size || !mtime || !ctime) return std::nullopt;
    id = {*device, *inode, *size, *mtime, *ctime};
    if (in.literal("-", '\n')) return std::pair{id, RememberedProbe{}};
    if (!in.literal("E", ' ')) return std::nullopt;
    auto facts = read_facts(in);
    if (!facts) return std::nullopt;
    return std::pair{id, RememberedProbe{std::move(*facts)}};
}

}  // namespace

FileIdentity identity_of(const struct stat& st) {
    return {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
            static_cast<std::uint64_t>(st.st_size), nanoseconds(st.st_mtim), nanoseconds(st.st_ctim)};
}

std::size_t ProbeMemo::Hash::operator()(const FileIdentity& id) const {
    std::size_t h = std::hash<std::uint64_t>{}(id.inode);
    for (std::uint64_t part : {id.device, id.size, static_cast<std::uint64_t>(id.ctime_ns)})
        h = h * 1'000'003 ^ std::hash<std::uint64_t>{}(part);
    return h;
}

ProbeMemo ProbeMemo::decode(std::string_view bytes) {
    ProbeMemo memo;
    if (!bytes.starts_with(memo_header)) return memo;
    Cursor in(bytes.substr(memo_header.size()));
    while (!in.at_end() && memo.entries_.size() < max_entries) {
        auto entry = read_entry(in);
        if (!entry) return ProbeMemo{};
        memo.entries_[entry->first] = Entry{std::move(entry->second)};
    }
    return memo;
}

ProbeMemo ProbeMemo::load(const std::string& file) {
    if (file.empty()) return {};
    ProbeMemo memo = decode(read_small_file(file, memo_size_limit).value_or(""));
    memo.file_ = file;
    return memo;
}

const RememberedProbe* ProbeMemo::find(const FileIdentity& id) {
    auto it = entries_.find(id);
    if (it == entries_.end()) return nullptr;
    it->second.used = true;
    return &it->second.probe;
}

void ProbeMemo::remember(const FileIdentity& id, const RememberedProbe& probe) {
    entries_[id] = Entry{probe, true};
    changed_ = true;
}

std::string ProbeMemo::encode() const {
    std::vector<const std::pair<const FileIdentity, Entry>*> order;
    for (const auto& entry : entries_) order.push_back(&entry);
    std::stable_partition(order.begin(), order.end(), [](const auto* e) { return e->second.used; });
    order.resize(std::min(order.size(), max_entries));
    std::string out(memo_header);
    for (const auto* e : order) put_entry(out, e->first, e->second.probe);
    return out;
}

void ProbeMemo::save() const {
    if (changed_ && !file_.empty()) replace_file(file_, encode());
}

}  // namespace skiff::ldcache
