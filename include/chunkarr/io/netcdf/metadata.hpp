#pragma once
// The metadata of any NetCDF file, through libnetcdf: dimensions with their unlimited flag,
// variables with their dimension names, attributes. (`chunkarr info` shows it.)
#include <chunkarr/core/dtype.hpp>
#include <chunkarr/core/shape.hpp>
#include <chunkarr/io/attributes.hpp>

#include <optional>
#include <string>
#include <vector>

namespace chunkarr {

struct NetCDFDimension {
    std::string name;  // group-qualified for dimensions in subgroups: "/grp/x"
    Index size = 0;
    bool unlimited = false;
};

struct NetCDFVariable {
    std::string path;                     // "/t2m", "/grp/sub/var"
    std::vector<std::string> dimensions;  // names, as declared
    std::vector<bool> unlimited;          // per dimension
    Shape shape;
    std::optional<DType> dtype;  // nullopt: char, string or user-defined type
    std::string type_name;       // numpy name, or "char", "string", "other"
    std::optional<Shape> chunks;
    std::vector<std::string> filters;
    Attributes attributes;
};

struct NetCDFInfo {
    std::string format;  // "NETCDF4", "NETCDF4_CLASSIC", "NETCDF3_CLASSIC", ...
    std::vector<NetCDFDimension> dimensions;
    std::vector<NetCDFVariable> variables;  // sorted by path
    Attributes attributes;                  // global
};

// Metadata of a NetCDF file of any format. Throws FormatError when libnetcdf cannot read it.
NetCDFInfo describe_netcdf(const std::string& path);
// The variable at `variable` (path or name); KeyError when absent.
NetCDFVariable describe_netcdf_variable(const std::string& path, const std::string& variable);

// The netCDF default fill value of a type (NC_FILL_*), as netCDF4-python masks it.
long double netcdf_default_fill(DType dtype);

}  // namespace chunkarr
