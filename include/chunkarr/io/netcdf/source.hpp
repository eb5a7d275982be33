#pragma once
// A variable of a classic-format NetCDF file (CDF-1/2/5) as a Source, read through libnetcdf
// under the storage-library lock. NetCDF-4 variables are read through HDF5Source instead, so
// that they get the parallel chunk decoding.
#include <chunkarr/io/file_snapshot.hpp>
#include <chunkarr/io/netcdf/metadata.hpp>
#include <chunkarr/io/source.hpp>

#include <string>
#include <vector>

namespace chunkarr {

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
    std::string identity() const override { return "netcdf:" + describe() + "@" + snapshot_.version(); }
    std::string file_sizes() const override { return std::to_string(snapshot_.identity().size); }
    bool netcdf_conventions() const override { return true; }
    bool netcdf_no_fill() const override { return no_fill_; }
    bool cheap_rereads() const override { return true; }  // classic files are not chunked
    std::vector<std::string> dimension_names() const override { return variable_.dimensions; }
    std::vector<bool> unlimited_dimensions() const override { return variable_.unlimited; }
    // libnetcdf keeps the header (the record count too) as read when the file was opened.
    void check_unchanged() const override { snapshot_.check_unchanged(); }
    const std::string& path() const { return path_; }
    const std::string& variable() const { return variable_.path; }

private:
    std::string path_;
    FileSnapshot snapshot_;  // taken before the header is read
    NetCDFVariable variable_;
    int ncid_ = -1;
    int varid_ = -1;
    bool no_fill_ = false;
};

}  // namespace chunkarr
