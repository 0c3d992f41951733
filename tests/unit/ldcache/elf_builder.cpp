#include "tests/unit/ldcache/elf_builder.hpp"

#include <map>

namespace skiff::ldtest {
namespace {

class Buf {
public:
    explicit Buf(bool big) : big_(big) {}
    std::string data;

    void put(std::uint64_t at, std::uint64_t v, int size) {
        if (data.size() < at + static_cast<std::uint64_t>(size)) data.resize(at + static_cast<std::uint64_t>(size), '\0');
        for (int i = 0; i < size; ++i) {
            int shift = big_ ? size - 1 - i : i;
            data[at + static_cast<std::uint64_t>(i)] = static_cast<char>((v >> (8 * shift)) & 0xff);
        }
    }
    std::uint64_t align(std::uint64_t a) {
        data.resize((data.size() + a - 1) / a * a, '\0');
        return data.size();
    }
    std::uint64_t append(const std::string& s) {
        std::uint64_t at = data.size();
        data += s;
        return at;
    }

private:
    bool big_;
};

class StrTab {
public:
    std::uint32_t add(const std::string& s) {
        auto it = index_.find(s);
        if (it != index_.end()) return it->second;
        auto off = static_cast<std::uint32_t>(text_.size());
        text_ += s;
        text_.push_back('\0');
        index_.emplace(s, off);
        return off;
    }
    const std::string& text() const { return text_; }

private:
    std::string text_ = std::string(1, '\0');
    std::map<std::string, std::uint32_t> index_;
};

void collect_strings(const ElfSpec& s, StrTab& st) {
    if (s.soname) st.add(*s.soname);
    for (const auto& n : s.needed) st.add(n);
    for (const auto& vn : s.version_needs) {
        st.add(vn.file);
        for (const auto& v : vn.versions) st.add(v);
    }
    for (const auto& v : s.version_defs) st.add(v);
}

std::uint64_t write_verneed(Buf& b, const ElfSpec& s, StrTab& st) {
    std::uint64_t start = b.align(4);
    for (std::size_t i = 0; i < s.version_needs.size(); ++i) {
        const auto& vn = s.version_needs[i];
        std::uint64_t at = b.data.size();
        std::uint64_t size = 16 + 16 * vn.versions.size();
        b.put(at, 1, 2);
        b.put(at + 2, vn.versions.size(), 2);
        b.put(at + 4, st.add(vn.file), 4);
        b.put(at + 8, 16, 4);
        b.put(at + 12, i + 1 == s.version_needs.size() ? 0 : size, 4);
        for (std::size_t j = 0; j < vn.versions.size(); ++j) {
            std::uint64_t aux = at + 16 + 16 * j;
            b.put(aux + 6, j + 2, 2);
            b.put(aux + 8, st.add(vn.versions[j]), 4);
            b.put(aux + 12, j + 1 == vn.versions.size() ? 0 : 16, 4);
        }
    }
    return start;
}

std::uint64_t write_verdef(Buf& b, const ElfSpec& s, StrTab& st) {
    std::uint64_t start = b.align(4);
    for (std::size_t i = 0; i < s.version_defs.size(); ++i) {
        std::uint64_t at = start + 28 * i;
        b.put(at, 1, 2);
        b.put(at + 2, i == 0 ? 1 : 0, 2);
        b.put(at + 4, i + 1, 2);
        b.put(at + 6, 1, 2);
        b.put(at + 12, 20, 4);
        b.put(at + 16, i + 1 == s.version_defs.size() ? 0 : 28, 4);
        b.put(at + 20, st.add(s.version_defs[i]), 4);
        b.put(at + 24, 0, 4);
    }
    return start;
}

std::uint64_t write_property(Buf& b, const ElfSpec& s, std::uint64_t& size) {
    std::uint64_t align = s.is_64bit ? 8 : 4;
    std::uint64_t start = b.align(align);
    std::uint64_t desc = s.is_64bit ? 16 : 12;
    b.put(start, 4, 4);
    b.put(start + 4, desc, 4);
    b.put(start + 8, 5, 4);  // NT_GNU_PROPERTY_TYPE_0
    b.append("GNU");
    b.data.push_back('\0');
    b.put(start + 16, 0xc0008002, 4);
    b.put(start + 20, 4, 4);
    b.put(start + 24, *s.x86_isa_needed, 4);
    size = 16 + desc;
    b.data.resize(start + size, '\0');
    return start;
}

struct Phdr {
    std::uint32_t type;
    std::uint64_t offset, filesz, align;
};

void write_phdr(Buf& b, const ElfSpec& s, std::uint64_t at, const Phdr& p) {
    std::uint64_t vaddr = s.vaddr + p.offset;
    if (s.is_64bit) {
        b.put(at, p.type, 4);
        b.put(at + 4, 4, 4);
        b.put(at + 8, p.offset, 8);
        b.put(at + 16, vaddr, 8);
        b.put(at + 24, vaddr, 8);
        b.put(at + 32, p.filesz, 8);
        b.put(at + 40, p.filesz, 8);
        b.put(at + 48, p.align, 8);
    } else {
        b.put(at, p.type, 4);
        b.put(at + 4, p.offset, 4);
        b.put(at + 8, vaddr, 4);
        b.put(at + 12, vaddr, 4);
        b.put(at + 16, p.filesz, 4);
        b.put(at + 20, p.filesz, 4);
        b.put(at + 24, 4, 4);
        b.put(at + 28, p.align, 4);
    }
}

void write_ehdr(Buf& b, const ElfSpec& s, std::uint64_t phoff, std::size_t phnum) {
    b.data.replace(0, 4, "\x7f" "ELF");
    b.data[4] = s.is_64bit ? 2 : 1;
    b.data[5] = s.big_endian ? 2 : 1;
    b.data[6] = 1;
    b.put(16, s.type, 2);
    b.put(18, s.machine, 2);
    b.put(20, 1, 4);
    if (s.is_64bit) {
        b.put(32, phoff, 8);
        b.put(48, s.flags, 4);
        b.put(52, 64, 2);
        b.put(54, 56, 2);
        b.put(56, phnum, 2);
    } else {
        b.put(28, phoff, 4);
        b.put(36, s.flags, 4);
        b.put(40, 52, 2);
        b.put(42, 32, 2);
        b.put(44, phnum, 2);
    }
}

}  // namespace

std::string build_elf(const ElfSpec& s, ElfMap* map) {
    Buf b(s.big_endian);
    std::uint64_t ehsize = s.is_64bit ? 64 : 52, phentsize = s.is_64bit ? 56 : 32;
    std::size_t phnum = 1u + (s.interp ? 1u : 0u) + (s.dynamic ? 1u : 0u) + (s.x86_isa_needed ? 1u : 0u);
    b.data.assign(ehsize + phentsize * phnum, '\0');
    std::vector<Phdr> phdrs;
    ElfMap m;
    m.phoff = ehsize;
    if (s.interp) {
        m.interp = b.append(*s.interp + std::string(1, '\0'));
        phdrs.push_back({3, m.interp, s.interp->size() + 1, 1});
    }
    if (s.x86_isa_needed) {
        std::uint64_t size = 0;
        std::uint64_t at = write_property(b, s, size);
        phdrs.push_back({0x6474e553, at, size, s.is_64bit ? 8u : 4u});
    }
    if (s.dynamic) {
        StrTab st;
        collect_strings(s, st);
        m.verneed = s.version_needs.empty() ? 0 : write_verneed(b, s, st);
        m.verdef = s.version_defs.empty() ? 0 : write_verdef(b, s, st);
        m.dynstr = b.append(st.text());
        m.dynamic = b.align(8);
        std::uint64_t entry = s.is_64bit ? 16 : 8;
        std::vector<std::pair<std::uint64_t, std::uint64_t>> dyn;
        for (const auto& n : s.needed) dyn.push_back({1, st.add(n)});
        if (s.soname) dyn.push_back({14, st.add(*s.soname)});
        dyn.push_back({5, s.vaddr + m.dynstr});
        dyn.push_back({10, st.text().size()});
        if (m.verneed) dyn.insert(dyn.end(), {{0x6ffffffe, s.vaddr + m.verneed}, {0x6fffffff, s.version_needs.size()}});
        if (m.verdef) dyn.insert(dyn.end(), {{0x6ffffffc, s.vaddr + m.verdef}, {0x6ffffffd, s.version_defs.size()}});
        dyn.push_back({0, 0});
        for (std::size_t i = 0; i < dyn.size(); ++i) {
            b.put(m.dynamic + i * entry, dyn[i].first, static_cast<int>(entry / 2));
            b.put(m.dynamic + i * entry + entry / 2, dyn[i].second, static_cast<int>(entry / 2));
        }
        phdrs.push_back({2, m.dynamic, dyn.size() * entry, 8});
    }
    phdrs.insert(phdrs.begin(), Phdr{1, 0, b.data.size(), 0x1000});
    for (std::size_t i = 0; i < phdrs.size(); ++i) write_phdr(b, s, ehsize + i * phentsize, phdrs[i]);
    write_ehdr(b, s, ehsize, phdrs.size());
    if (map) *map = m;
    return b.data;
}

}  // namespace skiff::ldtest
