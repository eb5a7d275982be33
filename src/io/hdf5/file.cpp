#include "io/hdf5/file.hpp"

#include <chunkarr/core/error.hpp>

#include "io/hdf5/header_check.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

namespace chunkarr {

namespace {

// HDF5 opens a file once per process and shares its metadata cache among all opens of it: while
// one of them lives, its snapshot says which version of the file that cache holds. Guarded by
// the library lock; an entry of a closed file is replaced by the next open of it.
std::shared_ptr<const FileSnapshot> shared_snapshot(std::shared_ptr<const FileSnapshot> fresh) {
    static std::map<std::pair<std::uint64_t, std::uint64_t>, std::weak_ptr<const FileSnapshot>> open_files;
    auto& entry = open_files[{fresh->identity().device, fresh->identity().inode}];
    if (auto older = entry.lock()) return older;
    entry = fresh;
    return fresh;
}

}  // namespace

HDF5File::HDF5File(const std::string& path) : path_(path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(path, ec)) throw IOError("no such file: " + path);
    if (fs::is_directory(path, ec)) throw IOError(path + " is a directory, not a file");
    if (!std::ifstream(path).good()) throw IOError("cannot open " + path + ": permission denied");
    if (fs::file_size(path, ec) == 0) throw FormatError(path + " is empty, not an HDF5 file");
    // Before HDF5 reads anything: what a later change is measured against.
    auto snapshot = std::make_shared<const FileSnapshot>(path);
    hdf5::Lock lock;
    const auto is_hdf5 = CHUNKARR_H5_TRY(H5Fis_hdf5, path.c_str());
    if (!is_hdf5.ok() || is_hdf5.value == 0) throw FormatError(path + " is not an HDF5 file");
    const auto opened = CHUNKARR_H5_TRY(H5Fopen, path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (!opened.ok()) {
        if (opened.detail.find("unable to lock file") != std::string::npos)
            throw IOError("cannot open " + path + ": another process has it open for writing (" + opened.what() +
                          "); run again when the writer is done");
        // HDF5 1.10 files (superblock 2 and later) say so themselves while a writer has them.
        if (opened.detail.find("already open for write") != std::string::npos)
            throw IOError("cannot open " + path +
                          ": it is marked as open for writing, by a writer still at work (chunkarr does not read "
                          "SWMR) or one that stopped without closing it (then: h5clear -s " +
                          path + ") (" + opened.what() + ")");
        snapshot->check_unchanged();  // read while another process wrote it: that is the error
        throw FormatError("cannot open " + path + " (damaged or truncated HDF5 file?): " + opened.what());
    }
    id_ = hdf5::Handle(opened.value);
    snapshot_ = shared_snapshot(std::move(snapshot));
}

namespace hdf5 {

namespace {

// Why the object a link of `group` names cannot be opened: where a soft or external link
// points, or the damaged object header.
template <class Tried> std::string unopenable(hid_t group, const std::string& name, const Tried& opened) {
    H5L_info_t link{};
    if (CHUNKARR_H5_TRY(H5Lget_info, group, name.c_str(), &link, H5P_DEFAULT).ok() && link.type != H5L_TYPE_HARD) {
        std::string value(link.u.val_size, '\0');
        if (CHUNKARR_H5_TRY(H5Lget_val, group, name.c_str(), value.data(), value.size(), H5P_DEFAULT).ok()) {
            const char* target_file = nullptr;
            const char* target_object = nullptr;
            if (link.type == H5L_TYPE_SOFT)
                return "soft link to " + std::string(value.c_str()) + ", which leads nowhere";
            if (link.type == H5L_TYPE_EXTERNAL &&
                CHUNKARR_H5_TRY(H5Lunpack_elink_val, value.data(), value.size(), nullptr, &target_file, &target_object)
                    .ok())
                return "external link to " + std::string(target_file) + ":" + target_object +
                       ", which cannot be followed: " + opened.what();
        }
        return "a link that cannot be followed: " + opened.what();
    }
    return "cannot open the object (damaged object header?): " + opened.what();
}

// `child` of `parent` could not be looked up. Returns when `parent` is not a group (the path
// does not exist); throws IOError when it is one that cannot be read, or cannot be opened.
template <class Tried>
void ensure_readable_group(const HDF5File& file, const std::string& parent, const std::string& child,
                           const Tried& lookup) {
    const Where at{file.path(), parent};
    const auto opened = CHUNKARR_H5_TRY(H5Oopen, file.id(), parent.c_str(), H5P_DEFAULT);
    if (!opened.ok()) throw IOError(at.text() + ": " + unopenable(file.id(), parent, opened));
    const Handle object(opened.value);
    if (CHUNKARR_H5(at, H5Iget_type, object.get()) == H5I_GROUP)
        throw IOError(at.text() + ": cannot look up " + child + " in the group (damaged?): " + lookup.what());
}

}  // namespace

Handle open_object(const HDF5File& file, const std::string& path) {
    std::string prefix, parent = "/";
    std::size_t start = 1;
    while (start <= path.size()) {
        const std::size_t end = std::min(path.find('/', start), path.size());
        prefix += '/';
        prefix.append(path, start, end - start);
        if (end > start) {
            const auto exists = CHUNKARR_H5_TRY(H5Lexists, file.id(), prefix.c_str(), H5P_DEFAULT);
            // HDF5 fails when `parent` is not a group (an answer), or cannot be read (an error).
            if (!exists.ok()) ensure_readable_group(file, parent, path.substr(start, end - start), exists);
            if (!exists.ok() || exists.value == 0)
                throw KeyError("no dataset " + path + " in " + file.path() +
                               (prefix == path ? "" : " (" + prefix + " does not exist)"));
            parent = prefix;
        }
        start = end + 1;
    }
    check_layout_before_open(Where(file.path(), path), file.id(), path);
    const auto opened = CHUNKARR_H5_TRY(H5Oopen, file.id(), path.c_str(), H5P_DEFAULT);
    if (!opened.ok()) throw IOError(Where(file.path(), path).text() + ": " + unopenable(file.id(), path, opened));
    return Handle(opened.value);
}

haddr_t object_header_address(const Where& at, hid_t object) {
#if H5_VERSION_GE(1, 12, 0)
    H5O_info2_t info;
    CHUNKARR_H5(at, H5Oget_info3, object, &info, H5O_INFO_BASIC);
    haddr_t address = HADDR_UNDEF;
    CHUNKARR_H5(at, H5VLnative_token_to_addr, object, info.token, &address);
    return address;
#else
    H5O_info_t info;
    CHUNKARR_H5(at, H5Oget_info2, object, &info, H5O_INFO_BASIC);
    return info.addr;
#endif
}

HDF5Addressing file_addressing(const Where& at, hid_t location) {
    Handle file_id(CHUNKARR_H5(at, H5Iget_file_id, location));
    Handle creation(CHUNKARR_H5(at, H5Fget_create_plist, file_id.get()));
    std::size_t sizeof_addr = 0, sizeof_size = 0;
    CHUNKARR_H5(at, H5Pget_sizes, creation.get(), &sizeof_addr, &sizeof_size);
    hsize_t userblock = 0;
    CHUNKARR_H5(at, H5Pget_userblock, creation.get(), &userblock);
    unsigned chunk_node_k = 0;
    CHUNKARR_H5(at, H5Pget_istore_k, creation.get(), &chunk_node_k);
    return HDF5Addressing{userblock, static_cast<unsigned>(sizeof_addr), static_cast<unsigned>(sizeof_size),
                          chunk_node_k};
}

namespace {

// Groups nested deeper than this are reported, not listed (a guard for the stack).
constexpr std::size_t max_group_depth = 256;

// The name of link `index` of `group`; nullopt when it cannot be read, and then `why` says why
// (the first reason is kept). In the group's own order (callers sort): for sorted names HDF5
// 1.10 builds a table of a group's links, and frees garbage when a damaged heap fails that.
std::optional<std::string> link_name(hid_t group, hsize_t index, std::string& why) {
    const auto length =
        CHUNKARR_H5_TRY(H5Lget_name_by_idx, group, ".", H5_INDEX_NAME, H5_ITER_NATIVE, index, nullptr, 0, H5P_DEFAULT);
    if (length.ok()) {
        std::string name(static_cast<std::size_t>(length.value) + 1, '\0');
        const auto named = CHUNKARR_H5_TRY(H5Lget_name_by_idx, group, ".", H5_INDEX_NAME, H5_ITER_NATIVE, index,
                                           name.data(), name.size(), H5P_DEFAULT);
        if (named.ok()) return name.substr(0, static_cast<std::size_t>(length.value));
        if (why.empty()) why = named.what();
    } else if (why.empty()) {
        why = length.what();
    }
    return std::nullopt;
}

// One walk of visit_datasets: the groups on the path from the start (by address) break cycles
// of hard links.
struct Walk {
    const Where& at;
    const std::function<void(const std::string&, hid_t)>& visit;
    const std::function<void(const std::string&, const std::string&)>& unreadable;
    std::vector<haddr_t> ancestors;

    void report(const std::string& path, const std::string& reason) const {
        unreadable(path, Where(at.file, path).text() + ": " + reason);
    }

    void group(hid_t group, const std::string& prefix) {
        const std::string here = prefix.empty() ? "/" : prefix;
        H5G_info_t info{};
        const auto listed = CHUNKARR_H5_TRY(H5Gget_info, group, &info);
        if (!listed.ok()) return report(here, "cannot list the group (damaged?): " + listed.what());
        hsize_t nameless = 0;
        std::string why;
        for (hsize_t i = 0; i < info.nlinks; ++i) {
            if (const auto name = link_name(group, i, why)) member(group, prefix + "/" + *name, *name);
            else ++nameless;
        }
        if (nameless > 0)
            report(here, "cannot read the names of " + std::to_string(nameless) + " of its " +
                             std::to_string(info.nlinks) + " links (damaged?): " + why);
    }

    void member(hid_t group, const std::string& path, const std::string& name) {
        try {
            check_layout_before_open(Where(at.file, path), group, name);  // HDF5 would crash opening it
        } catch (const Error& e) {
            return unreadable(path, e.what());
        }
        const auto opened = CHUNKARR_H5_TRY(H5Oopen, group, name.c_str(), H5P_DEFAULT);
        if (!opened.ok()) return report(path, unopenable(group, name, opened));
        const Handle object(opened.value);
        const Where where{at.file, path};
        H5I_type_t type = H5I_BADID;
        haddr_t address = HADDR_UNDEF;
        try {
            type = CHUNKARR_H5(where, H5Iget_type, object.get());
            if (type == H5I_GROUP) address = object_header_address(where, object.get());
        } catch (const IOError& e) {
            return unreadable(path, e.what());
        }
        if (type == H5I_DATASET) return visit(path, object.get());
        if (type != H5I_GROUP) return;  // a named datatype
        // A hard link back to a group on the way: its members are being listed already.
        if (std::find(ancestors.begin(), ancestors.end(), address) != ancestors.end()) return;
        if (ancestors.size() >= max_group_depth)
            return report(path, "nested more than " + std::to_string(max_group_depth) + " groups deep: not listed");
        ancestors.push_back(address);
        this->group(object.get(), path);
        ancestors.pop_back();
    }
};

}  // namespace

void visit_datasets(const Where& at, hid_t group, const std::string& prefix,
                    const std::function<void(const std::string&, hid_t)>& visit,
                    const std::function<void(const std::string&, const std::string&)>& unreadable) {
    Walk walk{at, visit, unreadable, {}};
    const std::string here = prefix.empty() ? "/" : prefix;
    try {
        walk.ancestors.push_back(object_header_address(Where(at.file, here), group));
    } catch (const IOError& e) {
        unreadable(here, e.what());  // listed all the same, without a guard against a cycle back here
    }
    walk.group(group, prefix);
}

}  // namespace hdf5
}  // namespace chunkarr
