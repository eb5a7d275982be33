#include <chunkarr/core/error.hpp>

#include "io/raw_file.hpp"
#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"

#include <fcntl.h>
#include <fstream>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

using namespace chunkarr;

TEST_CASE("raw file reads exact byte ranges and reports short files", "[io]") {
    test_support::TempFile file("raw.bin");
    std::ofstream(file.path(), std::ios::binary) << "0123456789";
    const RawFile raw(file.path());
    std::byte out[4];
    raw.read_at(3, 4, out);
    CHECK(std::string(reinterpret_cast<char*>(out), 4) == "3456");
    CHECK_THROWS_WITH(raw.read_at(8, 4, out), Catch::Matchers::Contains("truncated"));
    CHECK_THROWS_AS(RawFile("/nonexistent/raw.bin"), IOError);
}

namespace {

// How many of the file's pages are in the page cache now (mincore on a fresh mapping).
std::size_t resident_pages(const std::string& path, std::size_t size) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    REQUIRE(fd >= 0);
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    REQUIRE(map != MAP_FAILED);
    const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    std::vector<unsigned char> in_core((size + page - 1) / page);
    REQUIRE(::mincore(map, size, in_core.data()) == 0);
    ::munmap(map, size);
    ::close(fd);
    std::size_t count = 0;
    for (unsigned char flag : in_core) count += flag & 1;
    return count;
}

}  // namespace

TEST_CASE("a file larger than the streaming threshold leaves no read pages in the page cache", "[io]") {
    test_support::TempFile file("streamed.bin");
    const std::size_t size = 64 * 4096;
    {
        std::ofstream out(file.path(), std::ios::binary);
        out << std::string(size, 'x');
    }
    const int fd = ::open(file.path().c_str(), O_RDONLY);
    ::fsync(fd);  // dirty pages are never dropped: write them back first
    ::close(fd);
    std::vector<std::byte> out(size);
    {
        const RawFile cached(file.path());  // far smaller than RAM: cached as usual
        CHECK_FALSE(cached.streamed());
        cached.read_at(0, size, out.data());
        CHECK(resident_pages(file.path(), size) == size / 4096);
    }
    const RawFile streamed(file.path(), /*stream_above=*/size - 1);
    CHECK(streamed.streamed());
    // One read of the whole file: the page cache may hold it in large folios, which are dropped
    // only when the range covers them whole.
    streamed.read_at(0, size, out.data());
    CHECK(static_cast<char>(out[size - 1]) == 'x');
    CHECK(resident_pages(file.path(), size) == 0);
}
