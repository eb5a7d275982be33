#include "io/source_record.hpp"

#include <chunkarr/io/concat_source.hpp>
#include <chunkarr/io/generator_source.hpp>
#include <chunkarr/io/hdf5/source.hpp>
#include <chunkarr/io/memory_source.hpp>
#include <chunkarr/io/netcdf/source.hpp>
#include <chunkarr/io/zarr/source.hpp>

#include <functional>
#include <map>

namespace chunkarr {

namespace {

using Reader = std::function<SourcePtr(RecordReader&)>;

// Kinds and how each is read back; write_source_record writes the same fields in this order.
const std::map<std::string, Reader>& readers() {
    static const std::map<std::string, Reader> table = {
        {"full",
         [](RecordReader& in) {
             Shape shape = in.numbers<Index>();
             const auto dtype = in.number<DType>();
             const auto value = in.number<double>();
             return std::make_shared<FullSource>(std::move(shape), dtype, value, in.grid());
         }},
        {"random",
         [](RecordReader& in) {
             Shape shape = in.numbers<Index>();
             const auto seed = in.number<std::uint64_t>();
             return std::make_shared<RandomSource>(std::move(shape), seed, in.grid());
         }},
        {"arange",
         [](RecordReader& in) {
             const auto start = in.number<double>(), step = in.number<double>();
             const auto length = in.number<Index>();
             const auto dtype = in.number<DType>();
             return std::make_shared<ArangeSource>(start, step, length, dtype, in.grid());
         }},
        {"memory",
         [](RecordReader& in) {
             std::string name = in.text();
             const auto dtype = in.number<DType>();
             NDArray array(dtype, in.numbers<Index>());
             in.bytes(array.data(), array.nbytes());
             return std::make_shared<MemorySource>(std::move(array), in.grid(), std::move(name));
         }},
        {"hdf5",
         [](RecordReader& in) {
             const std::string path = in.text();
             return std::make_shared<HDF5Source>(path, in.text());
         }},
        {"netcdf-classic",
         [](RecordReader& in) {
             const std::string path = in.text();
             return std::make_shared<NetCDFSource>(path, in.text());
         }},
        {"zarr",
         [](RecordReader& in) {
             const std::string store = in.text();
             return std::make_shared<ZarrSource>(store, in.text());
         }},
        {"concat",
         [](RecordReader& in) {
             std::vector<SourcePtr> parts(in.length());
             for (auto& part : parts) part = read_source_record(in);
             std::vector<std::string> names(in.length());
             for (auto& name : names) name = in.text();
             return std::make_shared<ConcatSource>(std::move(parts), std::move(names), in.number<std::size_t>());
         }},
    };
    return table;
}

}  // namespace

bool write_source_record(const Source& source, RecordWriter& out) {
    if (const auto* full = dynamic_cast<const FullSource*>(&source)) {
        out.text("full");
        out.numbers(full->shape());
        out.number(full->dtype());
        out.number(full->value());
        out.grid(full->task_grid());
    } else if (const auto* random = dynamic_cast<const RandomSource*>(&source)) {
        out.text("random");
        out.numbers(random->shape());
        out.number(random->seed());
        out.grid(random->task_grid());
    } else if (const auto* range = dynamic_cast<const ArangeSource*>(&source)) {
        out.text("arange");
        out.number(range->start());
        out.number(range->step());
        out.number(range->shape()[0]);
        out.number(range->dtype());
        out.grid(range->task_grid());
    } else if (const auto* memory = dynamic_cast<const MemorySource*>(&source)) {
        out.text("memory");
        out.text(memory->describe());
        out.number(memory->dtype());
        out.numbers(memory->shape());
        out.bytes(memory->array().data(), memory->array().nbytes());
        out.grid(memory->task_grid());
    } else if (const auto* hdf5 = dynamic_cast<const HDF5Source*>(&source)) {
        out.text("hdf5");
        out.text(hdf5->file_path());
        out.text(hdf5->dataset_path());
    } else if (const auto* netcdf = dynamic_cast<const NetCDFSource*>(&source)) {
        out.text("netcdf-classic");
        out.text(netcdf->path());
        out.text(netcdf->variable());
    } else if (const auto* zarr = dynamic_cast<const ZarrSource*>(&source)) {
        out.text("zarr");
        out.text(zarr->store());
        out.text(zarr->variable());
    } else if (const auto* concat = dynamic_cast<const ConcatSource*>(&source)) {
        // Parts first: one that cannot be recorded leaves nothing of this one written.
        RecordWriter parts;
        for (const auto& part : concat->parts())
            if (!write_source_record(*part, parts)) return false;
        out.text("concat");
        out.number<std::uint64_t>(concat->parts().size());
        out.bytes(parts.data().data(), parts.data().size());
        out.number<std::uint64_t>(concat->names().size());
        for (const auto& name : concat->names()) out.text(name);
        out.number(concat->axis());
    } else {
        return false;
    }
    return true;
}

SourcePtr read_source_record(RecordReader& in) {
    const std::string kind = in.text();
    const auto it = readers().find(kind);
    if (it == readers().end()) throw ValueError("chunkarr record names an unknown source kind '" + kind + "'");
    return it->second(in);
}

}  // namespace chunkarr
