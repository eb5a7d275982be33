// The C++ half of the fuzz test (tests/fuzz runs the whole command on damaged files): seeded damage
// to stored chunks and to files' chunk B-trees, fed to the filter decoder and the B-tree walk.
// Built only into chunkarr_sanitized_tests (ASan + UBSan, -fno-sanitize-recover): whatever the
// bytes, the answer is a decoded chunk or an IOError, never an out-of-bounds access, an overflow,
// a huge allocation or another exception. Deterministic: every trial comes from fixed seeds, and a
// failure names its trial and damage. To explore further, CHUNKARR_FUZZ_SEED=N runs other seeds
// and CHUNKARR_FUZZ_ROUNDS=K K times the trials.
#include <chunkarr/core/error.hpp>

#include "io/filter_pipeline.hpp"
#include "io/hdf5/chunk_btree.hpp"
#include "io/raw_file.hpp"
#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <hdf5.h>
#include <iterator>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

using namespace chunkarr;

namespace {

using Bytes = std::vector<std::byte>;

// One seeded damage of `in`: bit flips, a zeroed or randomized range, a truncation, appended
// bytes, or bytes that have nothing to do with the original. `what` says which.
Bytes damage(const Bytes& in, std::mt19937_64& random, std::string& what) {
    Bytes out = in;
    const std::size_t size = in.size();
    const auto below = [&](std::size_t n) { return n ? static_cast<std::size_t>(random() % n) : 0; };
    switch (random() % 6) {
        case 0: {
            const int flips = 1 + static_cast<int>(random() % 3);
            what = std::to_string(flips) + " bit flips";
            for (int f = 0; f < flips && size; ++f) out[below(size)] ^= static_cast<std::byte>(1u << (random() % 8));
            break;
        }
        case 1:
        case 2: {
            const std::size_t at = below(size), length = std::min<std::size_t>(1 + below(64), size - at);
            const bool zero = random() % 2;
            what =
                std::string(zero ? "zeroed " : "random ") + std::to_string(length) + " bytes at " + std::to_string(at);
            for (std::size_t i = at; i < at + length; ++i) out[i] = zero ? std::byte{0} : std::byte(random() & 0xff);
            break;
        }
        case 3:
            out.resize(below(size));
            what = "truncated to " + std::to_string(out.size());
            break;
        case 4: {
            const std::size_t extra = 1 + below(64);
            for (std::size_t i = 0; i < extra; ++i) out.push_back(std::byte(random() & 0xff));
            what = "appended " + std::to_string(extra) + " bytes";
            break;
        }
        default:
            out.resize(below(2 * size + 16));
            for (auto& b : out) b = std::byte(random() & 0xff);
            what = std::to_string(out.size()) + " random bytes";
            break;
    }
    return out;
}

Bytes sample_chunk(std::size_t bytes, std::mt19937_64& random) {
    // Smooth values compress (deflate has work to do), with some noise in the low bytes.
    Bytes chunk(bytes);
    for (std::size_t i = 0; i < bytes; ++i)
        chunk[i] = static_cast<std::byte>((i / 7) % 251 + ((random() % 16 == 0) ? random() % 5 : 0));
    return chunk;
}

// An exactly sized copy: a read past the end of the stored bytes is an ASan report.
std::unique_ptr<std::byte[]> exact_copy(const Bytes& bytes) {
    std::unique_ptr<std::byte[]> copy(new std::byte[std::max<std::size_t>(bytes.size(), 1)]);
    if (!bytes.empty()) std::memcpy(copy.get(), bytes.data(), bytes.size());
    return copy;
}

std::uint64_t seed(std::uint64_t fixed) {
    const char* text = std::getenv("CHUNKARR_FUZZ_SEED");
    return text ? fixed ^ std::strtoull(text, nullptr, 10) : fixed;
}

int rounds() {
    const char* text = std::getenv("CHUNKARR_FUZZ_ROUNDS");
    return text ? std::max(1, std::atoi(text)) : 1;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("seeded damage to stored chunks decodes or is an IOError", "[io][filters][fuzz]") {
    const std::vector<unsigned> element_sizes{1, 2, 3, 4, 8, 16};
    std::mt19937_64 random(seed(20240612));
    int trials = 0, errors = 0;
    for (const unsigned element : element_sizes) {
        const std::vector<std::vector<FilterStep>> pipelines{
            {{FilterKind::Deflate}},
            {{FilterKind::Shuffle, element}},
            {{FilterKind::Shuffle, element}, {FilterKind::Deflate}},
            {{FilterKind::Fletcher32}},
            {{FilterKind::Shuffle, element}, {FilterKind::Deflate}, {FilterKind::Fletcher32}},
            {{FilterKind::Fletcher32}, {FilterKind::Shuffle, element}, {FilterKind::Deflate}},  // checksum first
            {{FilterKind::Deflate}, {FilterKind::Shuffle, element}},                            // an unusual order
            {{FilterKind::Deflate}, {FilterKind::Fletcher32}},
        };
        for (std::size_t p = 0; p < pipelines.size(); ++p) {
            const FilterPipeline pipeline(pipelines[p]);
            const std::size_t masks = std::size_t{1} << pipelines[p].size();
            for (const std::size_t elements : {std::size_t{1}, std::size_t{5}, std::size_t{64}, std::size_t{1000}}) {
                const std::size_t chunk_bytes = elements * element + (p % 2);  // sometimes a partial element
                const Bytes chunk = sample_chunk(chunk_bytes, random);
                Bytes stored;
                pipeline.encode(chunk.data(), chunk.size(), stored);
                for (int trial = 0; trial < 12 * rounds(); ++trial, ++trials) {
                    std::string what;
                    const Bytes damaged = trial == 0 ? stored : damage(stored, random, what);
                    // Mostly the mask HDF5 writes (0), sometimes filters skipped, or garbage.
                    const unsigned mask = trial % 4 != 3   ? 0u
                                          : trial % 8 == 3 ? static_cast<unsigned>(random() % masks)
                                                           : static_cast<unsigned>(random());
                    // Sometimes the caller expects a chunk of another size (a damaged layout).
                    const std::size_t expected = trial % 5 == 4 ? random() % (2 * chunk_bytes + 2) : chunk_bytes;
                    INFO("pipeline " << p << ", element size " << element << ", chunk " << chunk_bytes
                                     << " bytes, trial " << trial << ": " << what << ", mask " << mask << ", expecting "
                                     << expected);
                    const auto input = exact_copy(damaged);
                    std::unique_ptr<std::byte[]> out(new std::byte[std::max<std::size_t>(expected, 1)]);
                    try {
                        pipeline.decode(input.get(), damaged.size(), mask, out.get(), expected);
                        if (trial == 0) CHECK(std::memcmp(out.get(), chunk.data(), chunk_bytes) == 0);
                    } catch (const IOError&) {
                        ++errors;
                        if (trial == 0) FAIL("the undamaged chunk did not decode");
                    }
                    // The partial-chunk path: decode to byte planes, unshuffle a box of a 1-d chunk.
                    try {
                        if (const std::byte* planes =
                                pipeline.decode_to_planes(input.get(), damaged.size(), mask, expected)) {
                            const Index count = static_cast<Index>(expected / element);
                            if (count > 0) {
                                const Index first = static_cast<Index>(random() % static_cast<std::size_t>(count));
                                const Index n =
                                    1 + static_cast<Index>(random() % static_cast<std::size_t>(count - first));
                                std::unique_ptr<std::byte[]> part(new std::byte[static_cast<std::size_t>(n) * element]);
                                unshuffle_box(planes, Shape{count}, element, {first}, part.get(), Shape{n}, {0},
                                              Shape{n});
                            }
                        }
                    } catch (const IOError&) {
                        ++errors;
                    }
                }
            }
        }
    }
    CHECK(trials > 1500);
    CHECK(errors > trials / 10);  // the damage was noticed, often
}

TEST_CASE("a read of no bytes needs no buffer and is no error anywhere", "[io][fuzz]") {
    // A damaged object header of length 0 made the B-tree walk read 0 bytes into an empty
    // vector's null data(): memcpy(nullptr, ..., 0) is undefined behaviour (found with
    // CHUNKARR_FUZZ_SEED=1).
    test_support::TempFile path("zero_reads.bin");
    std::ofstream(path.path(), std::ios::binary) << std::string(100, 'x');
    RawFile file(path.path());
    for (const std::uint64_t offset : {std::uint64_t{0}, std::uint64_t{50}, std::uint64_t{100}, std::uint64_t{1000}})
        CHECK_NOTHROW(file.read_at(offset, 0, nullptr));
    std::byte byte{};
    CHECK_THROWS_AS(file.read_at(100, 1, &byte), IOError);
}

TEST_CASE("seeded damage to chunk B-trees walks or declines, and the chunks found decode or fail",
          "[io][hdf5][btree][fuzz]") {
    struct Dataset {
        std::string name;
        std::vector<hsize_t> shape, chunks;
        hid_t type;
        std::size_t item;
        std::vector<FilterStep> filters;
        bool partial;  // only some chunks written
    };
    const std::vector<Dataset> datasets{
        {"/i2",
         {500},
         {7},
         H5T_NATIVE_INT16,
         2,
         {{FilterKind::Shuffle, 2}, {FilterKind::Deflate}, {FilterKind::Fletcher32}},
         false},
        {"/f4", {10, 9, 11}, {3, 4, 5}, H5T_NATIVE_FLOAT, 4, {{FilterKind::Shuffle, 4}, {FilterKind::Deflate}}, false},
        {"/f8", {40, 30}, {6, 7}, H5T_NATIVE_DOUBLE, 8, {}, true},
        {"/u1", {300}, {16}, H5T_NATIVE_UINT8, 1, {{FilterKind::Fletcher32}}, false},
    };
    for (const unsigned address_size : {8u, 4u}) {
        const std::string path =
            (std::filesystem::temp_directory_path() /
             ("chunkarr_decoder_fuzz-" + std::to_string(::getpid()) + "-" + std::to_string(address_size) + ".h5"))
                .string();
        {
            hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
            H5Pset_sizes(fcpl, address_size, address_size);
            hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
            for (const Dataset& d : datasets) {
                hid_t space = H5Screate_simple(static_cast<int>(d.shape.size()), d.shape.data(), nullptr);
                hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
                H5Pset_chunk(dcpl, static_cast<int>(d.chunks.size()), d.chunks.data());
                for (const FilterStep& step : d.filters) {
                    if (step.kind == FilterKind::Shuffle) H5Pset_shuffle(dcpl);
                    if (step.kind == FilterKind::Deflate) H5Pset_deflate(dcpl, 4);
                    if (step.kind == FilterKind::Fletcher32) H5Pset_fletcher32(dcpl);
                }
                hid_t dataset = H5Dcreate2(file, d.name.c_str(), d.type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
                hsize_t n = 1;
                for (hsize_t e : d.shape) n *= e;
                std::vector<std::byte> values(n * d.item);
                for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<std::byte>((i * 7) / 5);
                if (d.partial) {  // a band of rows: the other chunks stay unallocated
                    const hsize_t start[2] = {6, 0}, count[2] = {12, d.shape[1]};
                    hid_t memory = H5Screate_simple(2, count, nullptr);
                    H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr);
                    H5Dwrite(dataset, d.type, memory, space, H5P_DEFAULT, values.data());
                    H5Sclose(memory);
                } else {
                    H5Dwrite(dataset, d.type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
                }
                H5Dclose(dataset);
                H5Pclose(dcpl);
                H5Sclose(space);
            }
            H5Fclose(file);
            H5Pclose(fcpl);
        }
        const std::string original = read_file(path);
        std::vector<haddr_t> headers;
        for (const Dataset& d : datasets) headers.push_back(test_support::object_header_address(path, d.name));
        const HDF5Addressing addressing{0, address_size, address_size};
        // What HDF5 says about each dataset (the walk checks the tree against it).
        const auto geometry = [](const Dataset& d) {
            return ChunkGeometry{{d.shape.begin(), d.shape.end()},
                                 {d.chunks.begin(), d.chunks.end()},
                                 static_cast<unsigned>(d.filters.size())};
        };

        // Where the damage goes: object headers, the B-tree nodes and the chunks they point at.
        std::vector<std::size_t> targets;
        for (haddr_t header : headers)
            for (std::size_t i = 0; i < 256; ++i) targets.push_back(static_cast<std::size_t>(header) + i);
        for (auto at = original.find("TREE"); at != std::string::npos; at = original.find("TREE", at + 1))
            for (std::size_t i = 0; i < 400; ++i) targets.push_back(at + i);
        {
            RawFile file(path);
            for (std::size_t k = 0; k < datasets.size(); ++k)
                REQUIRE(walk_chunk_btree(
                            file, addressing, headers[k], geometry(datasets[k]), 100000,
                            [&](const std::uint64_t*, std::uint32_t, std::uint64_t address, std::uint32_t size) {
                                for (std::uint32_t i = 0; i < size; i += 3)
                                    targets.push_back(static_cast<std::size_t>(address) + i);
                            })
                            .listed());
        }
        targets.erase(
            std::remove_if(targets.begin(), targets.end(), [&](std::size_t t) { return t >= original.size(); }),
            targets.end());

        std::mt19937_64 random(seed(1000 + address_size));
        int declined = 0, decoded = 0, failed = 0;
        for (int trial = 0; trial < 300 * rounds(); ++trial) {
            std::string damaged = original;
            std::string what;
            switch (trial % 6) {
                case 0:
                case 1:
                case 2: {  // bit flips where they matter
                    const int flips = 1 + static_cast<int>(random() % 3);
                    for (int f = 0; f < flips; ++f) {
                        const std::size_t at = targets[random() % targets.size()];
                        const int bit = static_cast<int>(random() % 8);
                        damaged[at] = static_cast<char>(damaged[at] ^ (1 << bit));
                        what += "flip " + std::to_string(at) + ":" + std::to_string(bit) + " ";
                    }
                    break;
                }
                case 3: {  // a zeroed or randomized range
                    const std::size_t at = targets[random() % targets.size()];
                    const std::size_t length = std::min<std::size_t>(1 + random() % 48, damaged.size() - at);
                    const bool zero = random() % 2;
                    for (std::size_t i = at; i < at + length; ++i)
                        damaged[i] = zero ? '\0' : static_cast<char>(random() & 0xff);
                    what = (zero ? "zeroed " : "randomized ") + std::to_string(length) + " at " + std::to_string(at);
                    break;
                }
                case 4:  // truncated
                    damaged.resize(random() % damaged.size());
                    what = "truncated to " + std::to_string(damaged.size());
                    break;
                default: {  // appended, and a flip
                    const std::size_t at = targets[random() % targets.size()];
                    damaged[at] = static_cast<char>(damaged[at] ^ (1 << (random() % 8)));
                    damaged.append(static_cast<std::size_t>(1 + random() % 4096), static_cast<char>(random() & 0xff));
                    what = "flip at " + std::to_string(at) + ", appended bytes";
                    break;
                }
            }
            std::ofstream(path, std::ios::binary | std::ios::trunc) << damaged;
            RawFile file(path);
            for (std::size_t k = 0; k < datasets.size(); ++k) {
                const Dataset& d = datasets[k];
                INFO("file with " << address_size << "-byte addresses, trial " << trial << " (" << what << "), "
                                  << d.name);
                std::size_t chunk_bytes = d.item;
                std::size_t grid = 1;
                for (std::size_t axis = 0; axis < d.shape.size(); ++axis) {
                    chunk_bytes *= d.chunks[axis];
                    grid *= (d.shape[axis] + d.chunks[axis] - 1) / d.chunks[axis];
                }
                const FilterPipeline pipeline(d.filters);
                std::vector<std::pair<std::uint64_t, std::uint32_t>> found;
                std::vector<std::uint32_t> masks;
                const bool walked = walk_chunk_btree(file, addressing, headers[k], geometry(d), grid,
                                                     [&](const std::uint64_t*, std::uint32_t mask,
                                                         std::uint64_t address, std::uint32_t size) {
                                                         found.emplace_back(address, size);
                                                         masks.push_back(mask);
                                                     })
                                        .listed();
                CHECK(found.size() <= grid);
                if (!walked) {
                    CHECK(found.empty());
                    ++declined;
                    continue;
                }
                // What HDF5Source does with each chunk the walk lists: the stored bytes read from
                // the file, then the decoder.
                for (std::size_t c = 0; c < found.size(); ++c) {
                    const auto [address, size] = found[c];
                    if (address + size > damaged.size()) {
                        // Past the end of the file: read_at would fail after allocating up to
                        // 4 GiB for the damaged size.
                        ++failed;
                        continue;
                    }
                    try {
                        Bytes stored(size);
                        file.read_at(address, size, stored.data());
                        const auto input = exact_copy(stored);
                        std::unique_ptr<std::byte[]> out(new std::byte[chunk_bytes]);
                        if (pipeline.empty()) {
                            if (size != chunk_bytes) throw IOError("stored chunk of another size");
                        } else {
                            pipeline.decode(input.get(), size, masks[c], out.get(), chunk_bytes);
                        }
                        ++decoded;
                    } catch (const IOError&) {
                        ++failed;
                    }
                }
            }
        }
        CHECK(declined > 0);
        CHECK(decoded > 0);
        CHECK(failed > 0);
        std::filesystem::remove(path);
    }
}
