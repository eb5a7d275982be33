#include <chunkarr/core/error.hpp>
#include <chunkarr/engine/compute.hpp>
#include <chunkarr/graph/array.hpp>
#include <chunkarr/graph/constructors.hpp>
#include <chunkarr/io/concat_source.hpp>
#include <chunkarr/io/hdf5/source.hpp>

#include "graph/every_operation.hpp"
#include "graph/node.hpp"
#include "graph/serialize.hpp"
#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"

#include <cstring>
#include <set>
#include <vector>

using namespace chunkarr;

namespace {

// map_blocks functions kept in a list, as the Python bindings keep Python callables.
struct FunctionList {
    std::vector<BlockFunctionPtr> functions;
    Foreign foreign() {
        Foreign f;
        f.save_function = [this](const BlockFunctionPtr& fn) {
            functions.push_back(fn);
            return functions.size() - 1;
        };
        f.load_function = [this](std::uint64_t i) { return functions.at(i); };
        return f;
    }
};

NodePtr round_trip(const NodePtr& node) {
    FunctionList list;
    return deserialize_graph(serialize_graph(node, list.foreign()), list.foreign());
}

bool same_values(const Array& a, const Array& b) {
    const auto values = compute({a, b});
    return values[0].shape() == values[1].shape() && values[0].dtype() == values[1].dtype() &&
           std::memcmp(values[0].data(), values[1].data(), values[0].nbytes()) == 0;
}

}  // namespace

TEST_CASE("every operation round-trips to the same node", "[graph][serialize]") {
    std::set<std::size_t> kinds;
    for (const NodePtr& node : testing::all_nodes(testing::every_operation())) {
        kinds.insert(node->op.index());
        // Interned: the same operation on the same inputs is the live node itself.
        CHECK(round_trip(node) == node);
    }
    CHECK(kinds.size() == std::variant_size_v<Operation>);
}

TEST_CASE("sources round-trip by kind: generated, memory, files, many files", "[graph][serialize]") {
    const Array generated =
        arange(0, 17, 1, DType::Int32, 5) + random_uniform({17}, 7, {4}) + ones({17}, DType::Float32);
    CHECK(round_trip(generated.node()) == generated.node());

    NDArray data(DType::Int16, {3, 5});
    for (Index i = 0; i < data.size(); ++i) data.data_as<std::int16_t>()[i] = static_cast<std::int16_t>(i * 7 - 40);
    const Array memory = from_ndarray(data, {2, 2});
    const NodePtr memory_back = round_trip((memory * 2).node());
    CHECK(memory_back != (memory * 2).node());  // another copy of the data: another source
    CHECK(same_values(Array(memory_back), memory * 2));

    test_support::TempFile first("serialize_a.h5"), second("serialize_b.h5");
    std::vector<double> values(12);
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = 0.5 * static_cast<double>(i);
    test_support::DatasetSpec spec;
    spec.shape = {4, 3};
    spec.chunks = std::vector<hsize_t>{3, 2};
    test_support::write_dataset(first.path(), "/v", H5T_NATIVE_DOUBLE, values.data(), spec, true);
    test_support::write_dataset(second.path(), "/v", H5T_NATIVE_DOUBLE, values.data(), spec, true);
    const Array file = open(first.path(), "v");
    const NodePtr file_back = round_trip(file.sum({1}).node());
    CHECK(file_back == file.sum({1}).node());  // the file opened again is the same data
    CHECK(same_values(Array(file_back), file.sum({1})));
    const Array both(make_source_node(
        std::make_shared<ConcatSource>(std::vector<SourcePtr>{std::make_shared<HDF5Source>(first.path(), "/v"),
                                                              std::make_shared<HDF5Source>(second.path(), "/v")},
                                       std::vector<std::string>{first.path(), second.path()}, 0)));
    const NodePtr both_back = round_trip(both.node());
    CHECK(both_back->shape == Shape{8, 3});
    CHECK(same_values(Array(both_back), both));
}

TEST_CASE("what cannot be recorded or read back is a named error", "[graph][serialize]") {
    const Array x = ones({4}, DType::Float64, {2});
    const Array mapped = map_blocks([](const std::vector<NDArray>& b, const BlockInfo&) { return b[0]; }, {x});
    CHECK_THROWS_AS(serialize_graph(mapped.node()), ValueError);  // no one to keep the function
    CHECK_THROWS_WITH(serialize_graph(mapped.node()), Catch::Matchers::Contains("map_blocks function"));

    const std::string bytes = serialize_graph((x + 1.0).node());
    CHECK_THROWS_AS(deserialize_graph(bytes.substr(0, bytes.size() - 3)), ValueError);
    CHECK_THROWS_AS(deserialize_graph(bytes + "x"), ValueError);
    CHECK_THROWS_AS(deserialize_graph("not a graph"), ValueError);

    // A file rewritten with another shape since: an error, not another array.
    test_support::TempFile path("serialize_changed.h5");
    std::vector<double> values(6, 1.0);
    test_support::DatasetSpec spec;
    spec.shape = {6};
    test_support::write_dataset(path.path(), "/v", H5T_NATIVE_DOUBLE, values.data(), spec, true);
    const std::string file_bytes = serialize_graph(open(path.path(), "v").node());
    spec.shape = {5};
    test_support::write_dataset(path.path(), "/v", H5T_NATIVE_DOUBLE, values.data(), spec, true);
    CHECK_THROWS_WITH(deserialize_graph(file_bytes), Catch::Matchers::Contains("changed"));
}
