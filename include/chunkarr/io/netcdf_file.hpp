#pragma once
// NetCDF through libnetcdf: metadata of any NetCDF file (dimensions with their unlimited flag,
// variables with their dimension names, attributes) and data of the classic formats
// (CDF-1/2/5), which are read under the storage-library lock. NetCDF-4 data is read through
// the HDF5 path instead, so that it gets the parallel chunk decoding.
#include <chunkarr/core/dtype.hpp>
#include <chunkarr/core/shape.hpp>
#include <chunkarr/io/attributes.hpp>
#include <chunkarr/io/source.hpp>

#include <optional>
#include <string>
#include <vector>

namespace chunkarr {

struct NetCDFDimension {
    std::string name;    // group-qualified for dimensions in subgroups: "/grp/x"
    Index size = 0;
    bool unlimited = false;
};

struct NetCDFVariable {
    std::string path;                      // "/t2m", "/grp/sub/var"
    std::vector<std::string> dimensions;   // names, as declared
    std::vector<bool> unlimited;           // per dimension
    Shape shape;
    std::optional<DType> dtype;            // nullopt: char, string or user-defined type
    std::string type_name;                 // numpy name, or "char", "string", "other"
    std::optional<Shape> chunks;
    std::vector<std::string> filters;
    Attributes attributes;
};

struct NetCDFInfo {
    std::string format;   // "NETCDF4", "NETCDF4_CLASSIC", "NETCDF3_CLASSIC", ...
    std::vector<NetCDFDimension> dimensions;
    std::vector<NetCDFVariable> variables;   // sorted by path
    Attributes attributes;                   // global
};

// Metadata of a NetCDF file of any format. Throws FormatError when libnetcdf cannot read it.
NetCDFInfo describe_netcdf(const std::string& path);
// The variable at `variable` (path or name); KeyError when absent.
NetCDFVariable describe_netcdf_variable(const std::string& path, const std::string& variable);

// The netCDF default fill value of a type (NC_FILL_*), as netCDF4-python masks it.
long double netcdf_default_fill(DType dtype);

// A variable of a classic-format (CDF-1/2/5) file.
class NetCDFSource final : public Source {
public:
    NetCDFSource(const std::string& path, const std::string& variable);
    ~NetCDFSource() override;

    const Shape& shape() const override { return variable_.shape; }
    DType dtype() const override { return *variable_.dtype; }
    ChunkGrid task_grid() const override;
    const Attributes& attributes() const override { return variable_.attributes; }
    void read(const Region& region, void* out) const override;
    std::string describe() const override { return path_ + ":" + variable_.path; }
    std::string identity() const override { return "netcdf:" + describe(); }
    bool netcdf_conventions() const override { return true; }
    bool cheap_rereads() const override { return true; }   // classic files are not chunked
    std::vector<std::string> dimension_names() const override { return variable_.dimensions; }
    std::vector<bool> unlimited_dimensions() const override { return variable_.unlimited; }

private:
    std::string path_;
    NetCDFVariable variable_;
    int ncid_ = -1;
    int varid_ = -1;
};

}  // namespace chunkarr
