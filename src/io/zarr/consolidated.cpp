#include "io/zarr/consolidated.hpp"

#include <chunkarr/core/error.hpp>
#include <chunkarr/io/file_snapshot.hpp>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

namespace chunkarr {

namespace {

using Json = nlohmann::json;

struct Parsed {
    std::string file;
    FileIdentity identity;  // of the file when it was read
    std::shared_ptr<const Json> metadata;
};

// The stores parsed last, newest at the back: a process works with a few stores at a time.
constexpr std::size_t stores_kept = 8;
std::mutex parsed_mutex;
std::vector<Parsed> parsed;

std::shared_ptr<const Json> parse_file(const std::string& store, const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw IOError("cannot read " + file);
    std::ostringstream text;
    text << in.rdbuf();
    Json json;
    try {
        json = Json::parse(text.str());
    } catch (const Json::parse_error& e) {
        throw FormatError(store + ": .zmetadata is not JSON (syntax error at byte " + std::to_string(e.byte) + ")");
    }
    const auto it = json.is_object() ? json.find("metadata") : json.end();
    if (it == json.end() || !it->is_object()) throw FormatError(store + ": .zmetadata has no \"metadata\" object");
    return std::make_shared<const Json>(std::move(*it));
}

}  // namespace

std::shared_ptr<const Json> consolidated_metadata(const std::string& store) {
    const std::string file = store + "/.zmetadata";
    // Taken before the file is read: a rewrite while it is read makes the next call read it again.
    const FileIdentity identity = FileIdentity::of(file);
    {
        const std::lock_guard lock(parsed_mutex);
        for (const Parsed& p : parsed)
            if (p.file == file && p.identity == identity) return p.metadata;
    }
    // Parsed outside the lock: other stores are not held up by a large file.
    std::shared_ptr<const Json> metadata = parse_file(store, file);
    const std::lock_guard lock(parsed_mutex);
    std::erase_if(parsed, [&](const Parsed& p) { return p.file == file; });
    if (parsed.size() == stores_kept) parsed.erase(parsed.begin());
    parsed.push_back({file, identity, metadata});
    return metadata;
}

}  // namespace chunkarr
