#include <chunkarr/core/error.hpp>
#include <chunkarr/io/netcdf/source.hpp>

#include "io/netcdf/file.hpp"

#include <algorithm>

namespace chunkarr {

NetCDFSource::NetCDFSource(const std::string& path, const std::string& variable) : path_(path), snapshot_(path) {
    netcdf::Lock lock;
    netcdf::File file(path);
    const auto [group, varid] = netcdf::find_variable(file, variable);
    varid_ = varid;
    variable_ = netcdf::describe_variable(file, group, varid, "");
    if (!variable_.dtype)
        throw FormatError(describe() + " has " + variable_.type_name +
                          " type; chunkarr computes with numeric variables only");
    int no_fill = 0;
    CHUNKARR_NC((Where{path, variable_.path}), nc_inq_var_fill, group, varid, &no_fill, nullptr);
    no_fill_ = no_fill == 1;
    ncid_ = file.release();
}

NetCDFSource::~NetCDFSource() {
    netcdf::Lock lock;
    CHUNKARR_NC_TRY(nc_close, ncid_);  // read-only: nothing is lost
}

ChunkGrid NetCDFSource::task_grid() const {
    // Classic files store each variable contiguously (record variables: one record at a time):
    // slabs of whole rows along the leading axis, about 4 MiB each.
    Shape chunk = shape();
    const std::size_t item = itemsize(dtype());
    std::size_t row = item;
    for (std::size_t axis = 1; axis < chunk.size(); ++axis)
        row *= static_cast<std::size_t>(std::max<Index>(chunk[axis], 1));
    if (!chunk.empty()) chunk[0] = std::max<Index>(1, static_cast<Index>((4u << 20) / std::max<std::size_t>(row, 1)));
    for (auto& c : chunk) c = std::max<Index>(c, 1);
    return ChunkGrid::regular(shape(), chunk);
}

void NetCDFSource::read(const Region& region, void* out) const {
    if (element_count(region_shape(region)) == 0) return;
    std::vector<std::size_t> start, count;
    for (const Range& r : region) {
        start.push_back(static_cast<std::size_t>(r.start));
        count.push_back(static_cast<std::size_t>(r.size()));
    }
    netcdf::Lock lock;
    const auto read = CHUNKARR_NC_TRY(nc_get_vara, ncid_, varid_, start.data(), count.data(), out);
    if (!read.ok()) throw IOError("cannot read " + describe() + ": " + read.what());
}

}  // namespace chunkarr
