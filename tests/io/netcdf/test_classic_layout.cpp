// chunkarr's reading of classic NetCDF headers (CDF-1, CDF-2, CDF-5): where each variable's
// bytes lie, checked against the bytes libnetcdf itself wrote there, and the errors for files
// whose header does not fit them (truncated, a record count with a flipped bit).
#include <chunkarr/core/error.hpp>
#include <chunkarr/io/netcdf/metadata.hpp>
#include <chunkarr/io/netcdf/source.hpp>

#include "io/netcdf/classic_layout.hpp"
#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"

#include <cstring>
#include <fstream>
#include <netcdf.h>
#include <vector>

using namespace chunkarr;
using Catch::Matchers::Contains;

namespace {

constexpr std::size_t records = 4;

std::vector<char> file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<char>(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const std::string& path, const std::vector<char>& bytes, std::size_t count) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(count));
}

// The big-endian value of `size` bytes at `offset`.
std::uint64_t stored(const std::vector<char>& bytes, std::uint64_t offset, std::size_t size) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < size; ++i) value = value << 8 | static_cast<unsigned char>(bytes.at(offset + i));
    return value;
}

// Value k of variable number v: distinct between variables, small enough for a byte.
unsigned long long value_of(std::size_t v, std::size_t k) { return v * 20 + k + 1; }

struct Written {
    std::string name;
    std::size_t item;        // bytes per value
    std::size_t per_record;  // values per record (record variables) or in all (fixed ones)
    bool record;
    bool floating = false;
};

// A file of `format` (0 for CDF-1, NC_64BIT_OFFSET, NC_64BIT_DATA) with fixed variables of
// odd byte counts (padding) and, unless `one_record_variable`, three record variables; else
// just one (records are then not padded). Value k of variable v is value_of(v, k).
std::vector<Written> write_file(const std::string& path, int format, bool one_record_variable) {
    int ncid, time, x, y;
    REQUIRE(nc_create(path.c_str(), NC_CLOBBER | format, &ncid) == NC_NOERR);
    nc_def_dim(ncid, "time", NC_UNLIMITED, &time);
    nc_def_dim(ncid, "x", 3, &x);
    nc_def_dim(ncid, "y", 5, &y);
    const double scale = 0.5;
    std::vector<Written> variables;
    std::vector<int> ids;
    auto define = [&](const char* name, nc_type type, std::vector<int> dims, std::size_t item, std::size_t count) {
        int id;
        REQUIRE(nc_def_var(ncid, name, type, static_cast<int>(dims.size()), dims.data(), &id) == NC_NOERR);
        nc_put_att_double(ncid, id, "scale_factor", NC_DOUBLE, 1, &scale);
        variables.push_back(
            {name, item, count, !dims.empty() && dims[0] == time, type == NC_FLOAT || type == NC_DOUBLE});
        ids.push_back(id);
    };
    define("a", NC_BYTE, {x}, 1, 3);
    if (one_record_variable) {
        define("r", NC_SHORT, {time, x}, 2, 3);
    } else {
        define("r1", NC_BYTE, {time}, 1, 1);
        define("b", NC_DOUBLE, {x, y}, 8, 15);
        define("r2", NC_SHORT, {time, x}, 2, 3);
        define("c", NC_SHORT, {}, 2, 1);
        define("r3", format == NC_64BIT_DATA ? NC_UINT64 : NC_FLOAT, {time, y}, format == NC_64BIT_DATA ? 8 : 4, 5);
    }
    nc_put_att_text(ncid, NC_GLOBAL, "title", 5, "odd.");
    REQUIRE(nc_enddef(ncid) == NC_NOERR);
    for (std::size_t v = 0; v < variables.size(); ++v) {
        const Written& w = variables[v];
        std::vector<unsigned long long> values(w.per_record * (w.record ? records : 1));
        for (std::size_t k = 0; k < values.size(); ++k) values[k] = value_of(v, k);
        const std::size_t start[2] = {0, 0};
        const std::size_t count[2] = {w.record ? records : 3, w.record ? w.per_record : 5};
        const std::vector<float> floats(values.begin(), values.end());
        // libnetcdf converts to the variable's type (floats hold these values exactly).
        const int status = w.floating ? nc_put_vara_float(ncid, ids[v], start, count, floats.data())
                                      : nc_put_vara_ulonglong(ncid, ids[v], start, count, values.data());
        REQUIRE(status == NC_NOERR);
    }
    REQUIRE(nc_close(ncid) == NC_NOERR);
    return variables;
}

// The bits of `value` as variable `w` stores it.
std::uint64_t as_stored(const Written& w, std::uint64_t value) {
    if (!w.floating) return value;
    if (w.item == 4) {
        const auto f = static_cast<float>(value);
        std::uint32_t bits;
        std::memcpy(&bits, &f, 4);
        return bits;
    }
    const auto d = static_cast<double>(value);
    std::uint64_t bits;
    std::memcpy(&bits, &d, 8);
    return bits;
}

}  // namespace

TEST_CASE("classic header layout: every variable's bytes where libnetcdf wrote them", "[io][netcdf][classic]") {
    const auto format = GENERATE(0, NC_64BIT_OFFSET, NC_64BIT_DATA);
    const bool one_record_variable = GENERATE(false, true);
    CAPTURE(format, one_record_variable);
    test_support::TempFile file("layout.nc");
    const std::vector<Written> written = write_file(file.path(), format, one_record_variable);
    const std::vector<char> bytes = file_bytes(file.path());

    const netcdf::ClassicLayout layout = netcdf::read_classic_layout(file.path());
    CHECK(layout.version == (format == NC_64BIT_DATA ? 5 : format == NC_64BIT_OFFSET ? 2 : 1));
    CHECK(layout.file_bytes == bytes.size());
    CHECK(layout.numrecs == records);
    REQUIRE(layout.variables.size() == written.size());
    std::uint64_t padded_record = 0;
    for (const Written& w : written)
        if (w.record) padded_record += (w.item * w.per_record + 3) / 4 * 4;
    CHECK(layout.record_bytes == (one_record_variable ? 6 : padded_record));
    CHECK(layout.header_bytes <= layout.variables.front().begin);
    std::uint64_t end = 0;
    for (std::size_t v = 0; v < written.size(); ++v) {
        const Written& w = written[v];
        const netcdf::ClassicVariable& got = layout.variables[v];
        CAPTURE(w.name);
        CHECK(got.name == w.name);
        CHECK(got.record == w.record);
        CHECK(got.bytes == w.item * w.per_record);
        const std::size_t n = w.record ? records : 1;
        for (std::size_t r = 0; r < n; ++r) {
            const std::uint64_t at = got.begin + r * layout.record_bytes;
            for (std::size_t k = 0; k < w.per_record; ++k)
                CHECK(stored(bytes, at + k * w.item, w.item) == as_stored(w, value_of(v, r * w.per_record + k)));
            end = std::max<std::uint64_t>(end, at + got.bytes);
        }
    }
    CHECK_NOTHROW(netcdf::check_classic_layout(file.path(), layout));
    CHECK(end <= bytes.size());

    // One byte less: the variable whose last byte that was is named, with the range it needs.
    write_bytes(file.path(), bytes, end - 1);
    const std::string last = one_record_variable ? "/r" : "/r3";
    CHECK_THROWS_WITH(netcdf::check_classic_layout(file.path(), netcdf::read_classic_layout(file.path())),
                      Contains("variable " + last + " needs bytes") &&
                          Contains("-" + std::to_string(end - 1) + " but the file ends at " + std::to_string(end - 1)));
    CHECK_THROWS_AS(describe_netcdf(file.path()), FormatError);
    CHECK_THROWS_AS(NetCDFSource(file.path(), "a"), FormatError);
}

TEST_CASE("classic header cut short anywhere is a FormatError naming the bytes it needs", "[io][netcdf][classic]") {
    const auto format = GENERATE(0, NC_64BIT_OFFSET, NC_64BIT_DATA);
    CAPTURE(format);
    test_support::TempFile file("cut.nc");
    write_file(file.path(), format, false);
    const std::vector<char> bytes = file_bytes(file.path());
    const std::uint64_t header = netcdf::read_classic_layout(file.path()).header_bytes;
    test_support::TempFile cut("cut_short.nc");
    for (std::uint64_t size = 4; size < header; ++size) {
        CAPTURE(size);
        write_bytes(cut.path(), bytes, size);
        CHECK_THROWS_WITH(
            netcdf::read_classic_layout(cut.path()),
            Contains("the NetCDF header needs bytes") && Contains("but the file ends at " + std::to_string(size)));
        CHECK_THROWS_AS(describe_netcdf(cut.path()), FormatError);
    }
}

TEST_CASE("a record count beyond the file is an error before any data is read", "[io][netcdf][classic]") {
    test_support::TempFile file("numrecs.nc");
    write_file(file.path(), NC_64BIT_OFFSET, false);
    std::vector<char> bytes = file_bytes(file.path());
    bytes[4] ^= 0x40;  // numrecs: 4 -> 2^30 + 4, as in tests/data/regressions/hang-numrecs.nc
    write_bytes(file.path(), bytes, bytes.size());
    const netcdf::ClassicLayout layout = netcdf::read_classic_layout(file.path());
    CHECK(layout.numrecs == (1u << 30) + records);
    CHECK_THROWS_WITH(netcdf::check_classic_layout(file.path(), layout),
                      Contains("variable /r1 needs bytes") && Contains("(the header says 1073741828 records of"));
    CHECK_THROWS_AS(NetCDFSource(file.path(), "b"), FormatError);

    // 2^64 - 1 records of a CDF-5 file: the range does not fit in 64 bits.
    write_file(file.path(), NC_64BIT_DATA, true);
    bytes = file_bytes(file.path());
    for (int i = 4; i < 12; ++i) bytes[static_cast<std::size_t>(i)] = '\xff';
    write_bytes(file.path(), bytes, bytes.size());
    CHECK_THROWS_WITH(netcdf::check_classic_layout(file.path(), netcdf::read_classic_layout(file.path())),
                      Contains("variable /r needs bytes") && Contains("beyond 2^64"));
}

TEST_CASE("a variable that begins past the end of the file", "[io][netcdf][classic]") {
    test_support::TempFile file("begin.nc");
    write_file(file.path(), 0, true);
    const std::vector<char> bytes = file_bytes(file.path());
    const netcdf::ClassicLayout layout = netcdf::read_classic_layout(file.path());
    // Cut after the header: every variable's bytes are gone.
    write_bytes(file.path(), bytes, static_cast<std::size_t>(layout.header_bytes));
    CHECK_THROWS_WITH(netcdf::check_classic_layout(file.path(), netcdf::read_classic_layout(file.path())),
                      Contains("variable /a needs bytes " + std::to_string(layout.variables[0].begin) + "-"));
}

TEST_CASE("a record variable with no records needs no bytes", "[io][netcdf][classic]") {
    test_support::TempFile file("norecords.nc");
    int ncid, time, x, v, w;
    REQUIRE(nc_create(file.path().c_str(), NC_CLOBBER, &ncid) == NC_NOERR);
    nc_def_dim(ncid, "time", NC_UNLIMITED, &time);
    nc_def_dim(ncid, "x", 2, &x);
    const int dims[2] = {time, x};
    nc_def_var(ncid, "v", NC_FLOAT, 2, dims, &v);
    nc_def_var(ncid, "w", NC_INT, 1, &x, &w);
    nc_enddef(ncid);
    const int values[2] = {1, 2};
    nc_put_var_int(ncid, w, values);
    REQUIRE(nc_close(ncid) == NC_NOERR);
    const netcdf::ClassicLayout layout = netcdf::read_classic_layout(file.path());
    CHECK(layout.numrecs == 0);
    CHECK_NOTHROW(netcdf::check_classic_layout(file.path(), layout));
    CHECK(NetCDFSource(file.path(), "v").shape() == Shape{0, 2});
}

TEST_CASE("not a classic header", "[io][netcdf][classic]") {
    test_support::TempFile file("notcdf.nc");
    write_file(file.path(), 0, true);
    std::vector<char> bytes = file_bytes(file.path());
    bytes[3] = 7;  // CDF\007
    write_bytes(file.path(), bytes, bytes.size());
    CHECK_THROWS_WITH(netcdf::read_classic_layout(file.path()), Contains("not a classic NetCDF header"));
    bytes[3] = 1;
    bytes[11] = 9;  // the dimension list's tag
    write_bytes(file.path(), bytes, bytes.size());
    CHECK_THROWS_WITH(netcdf::read_classic_layout(file.path()), Contains("the dimension list has tag 9"));
}
