/* Builds multiboot2 boot information in memory for the tests (spec 3.6). */
#ifndef RELBOOT_TESTS_MBI_BUILDER_H
#define RELBOOT_TESTS_MBI_BUILDER_H

#include <relboot/spec/multiboot2.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

class MbiBuilder {
public:
    MbiBuilder() { bytes_.resize(8); }

    /* A tag with a raw body; size = 8 + body length unless given. */
    MbiBuilder& tag(uint32_t type, const std::vector<uint8_t>& body, int64_t size = -1)
    {
        const size_t at = bytes_.size();
        put32(type);
        put32(size < 0 ? uint32_t(8 + body.size()) : uint32_t(size));
        bytes_.insert(bytes_.end(), body.begin(), body.end());
        while ((bytes_.size() - at) % 8)
            bytes_.push_back(0);
        return *this;
    }
    MbiBuilder& cmdline(const std::string& s) { return tag(MULTIBOOT2_TAG_TYPE_CMDLINE, str_body(s)); }
    MbiBuilder& load_base(uint32_t base) { return tag(MULTIBOOT2_TAG_TYPE_LOAD_BASE_ADDR, u32s({base})); }
    MbiBuilder& module(uint32_t start, uint32_t end, const std::string& s)
    {
        std::vector<uint8_t> body = u32s({start, end});
        const auto str = str_body(s);
        body.insert(body.end(), str.begin(), str.end());
        return tag(MULTIBOOT2_TAG_TYPE_MODULE, body);
    }
    MbiBuilder& mmap(uint32_t entry_size, uint32_t entries)
    {
        std::vector<uint8_t> body = u32s({entry_size, 0});
        body.resize(body.size() + size_t(entry_size) * entries, 0);
        return tag(MULTIBOOT2_TAG_TYPE_MMAP, body);
    }
    /* Tag 6 with real entries (3.6.8); entry_size > 24 pads each entry with 0xee bytes the reader must skip. */
    struct MmapEntry {
        uint64_t base, length;
        uint32_t type;
    };
    MbiBuilder& mmap_entries(const std::vector<MmapEntry>& entries, uint32_t entry_size = 24)
    {
        std::vector<uint8_t> body = u32s({entry_size, 0});
        for (const MmapEntry& e : entries) {
            std::vector<uint8_t> ent = u64s({e.base, e.length});
            append(ent, u32s({e.type, 0}));
            ent.resize(entry_size, 0xee);
            append(body, ent);
        }
        return tag(MULTIBOOT2_TAG_TYPE_MMAP, body);
    }
    /* Tags 11 and 12: the EFI system table's address. */
    MbiBuilder& efi32(uint32_t systab) { return tag(MULTIBOOT2_TAG_TYPE_EFI32, u32s({systab})); }
    MbiBuilder& efi64(uint64_t systab) { return tag(MULTIBOOT2_TAG_TYPE_EFI64, u64s({systab})); }
    /*
     * Tag 17 (3.6.19): EFI_MEMORY_DESCRIPTORs of descr_size bytes (OVMF: 48),
     * the bytes past the 40 of version 1 filled with 0xee.
     */
    struct EfiDescriptor {
        uint32_t type;
        uint64_t start, pages, attribute;
    };
    MbiBuilder& efi_mmap(const std::vector<EfiDescriptor>& descs, uint32_t descr_size = 48, uint32_t version = 1)
    {
        std::vector<uint8_t> body = u32s({descr_size, version});
        for (const EfiDescriptor& d : descs) {
            std::vector<uint8_t> desc = u32s({d.type, 0});
            append(desc, u64s({d.start, 0xffffffff00000000 | d.start, d.pages, d.attribute}));
            desc.resize(descr_size, 0xee);
            append(body, desc);
        }
        return tag(MULTIBOOT2_TAG_TYPE_EFI_MMAP, body);
    }
    /* Tags 14 (ACPI 1.0) and 15 (2.0): a copy of the RSDP. */
    MbiBuilder& acpi_old(const std::vector<uint8_t>& rsdp) { return tag(MULTIBOOT2_TAG_TYPE_ACPI_OLD, rsdp); }
    MbiBuilder& acpi_new(const std::vector<uint8_t>& rsdp) { return tag(MULTIBOOT2_TAG_TYPE_ACPI_NEW, rsdp); }
    MbiBuilder& loader_name(const std::string& s) { return tag(MULTIBOOT2_TAG_TYPE_BOOT_LOADER_NAME, str_body(s)); }
    MbiBuilder& end() { return tag(MULTIBOOT2_TAG_TYPE_END, {}); }

    /* total_size is written last (or forced). */
    std::vector<uint64_t> build(int64_t total = -1) const
    {
        std::vector<uint8_t> b = bytes_;
        const uint32_t t = total < 0 ? uint32_t(b.size()) : uint32_t(total);
        std::memcpy(b.data(), &t, 4);
        std::vector<uint64_t> words((b.size() + 7) / 8);
        std::memcpy(words.data(), b.data(), b.size());
        return words;
    }
    /* Bytes so far: the offset the next tag will have. */
    size_t size() const { return bytes_.size(); }

    static std::vector<uint8_t> u32s(std::initializer_list<uint32_t> vs) { return le(vs); }
    static std::vector<uint8_t> u64s(std::initializer_list<uint64_t> vs) { return le(vs); }
    /* Each value as its sizeof(T) little-endian bytes. */
    template <class T>
    static std::vector<uint8_t> le(std::initializer_list<T> vs)
    {
        std::vector<uint8_t> out;
        for (T v : vs)
            for (size_t i = 0; i < sizeof(T); ++i)
                out.push_back(uint8_t(uint64_t(v) >> (8 * i)));
        return out;
    }
    static void append(std::vector<uint8_t>& to, const std::vector<uint8_t>& more)
    {
        to.insert(to.end(), more.begin(), more.end());
    }
    static std::vector<uint8_t> str_body(const std::string& s)
    {
        std::vector<uint8_t> out(s.begin(), s.end());
        out.push_back(0);
        return out;
    }

private:
    void put32(uint32_t v)
    {
        for (int i = 0; i < 4; ++i)
            bytes_.push_back(uint8_t(v >> (8 * i)));
    }
    std::vector<uint8_t> bytes_;
};

#endif
