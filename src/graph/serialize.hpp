#pragma once
// A graph as bytes and back (pickling an Array): every node once, inputs first, each with its
// operation's attributes and the shape, dtype and chunks it had; read back, each node is rebuilt
// from its inputs (re-validated, as with_inputs does) and must come out as it was: a file that
// changed since is an error, not a different array.
//
// Each operation writes and reads its own attributes (write_operation / read_operation in
// serialize.cpp, one pair per operation): the visit over `Operation` has no default, so a new
// operation without its pair does not compile. Sources are recorded by kind (io/source_record);
// what the engine cannot record itself - sources and map_blocks functions of the embedding
// language (Python's NumPy arrays and callables) - is handed to `Foreign`, which keeps it
// elsewhere (Python's pickle) under an index.
#include <chunkarr/graph/block_function.hpp>
#include <chunkarr/io/source.hpp>

#include "graph/node_ptr.hpp"

#include <cstdint>
#include <functional>
#include <string>

namespace chunkarr {

struct Foreign {
    // Keep the object; its index. Throw ValueError naming it when it cannot be kept.
    std::function<std::uint64_t(const SourcePtr&)> save_source;
    std::function<std::uint64_t(const BlockFunctionPtr&)> save_function;
    // The object kept under an index.
    std::function<SourcePtr(std::uint64_t)> load_source;
    std::function<BlockFunctionPtr(std::uint64_t)> load_function;
};

// ValueError naming the first source or function neither the engine nor `foreign` can keep.
std::string serialize_graph(const NodePtr& root, const Foreign& foreign = {});
// ValueError for damaged bytes, bytes of another version, or a node that is not rebuilt as it
// was (a file that changed); IOError/KeyError when a file is gone or lost its variable.
NodePtr deserialize_graph(const std::string& bytes, const Foreign& foreign = {});

}  // namespace chunkarr
