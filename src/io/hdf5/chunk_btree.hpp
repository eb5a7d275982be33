#pragma once
// Lists a chunked dataset's stored chunks by walking its version-1 B-tree straight from the
// file's bytes: the index layout HDF5 1.8/1.10 write by default (and netCDF-4 files use).
// HDF5 1.10's own listing calls (H5Dget_chunk_info_by_coord / by index) walk the whole tree on
// every call, which makes a full index quadratic; this walk is linear. Other index types
// (layout version 4: fixed/extensible array, v2 B-tree) are not parsed: the caller asks HDF5.
//
// The walk trusts nothing it reads: every field the format fixes for the tree's nodes is
// checked (see walk_chunk_btree), so that a damaged index is an error, never chunks read from
// the wrong place.
#include "io/hdf5/object_header.hpp"
#include "io/raw_file.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace chunkarr {

// What HDF5 says about the dataset; the tree must agree with it.
struct ChunkGeometry {
    std::vector<std::uint64_t> shape;        // the current extent, per axis
    std::vector<std::uint64_t> chunk_shape;  // elements per chunk, per axis
    unsigned filters = 0;                    // filters in the dataset's pipeline
};

// offsets: the chunk's first element per axis (rank values); address is absolute.
using ChunkVisitor = std::function<void(const std::uint64_t* offsets, std::uint32_t filter_mask, std::uint64_t address,
                                        std::uint32_t size)>;

struct ChunkTreeWalk {
    enum class Outcome {
        listed,      // every chunk was visited
        not_parsed,  // not a version-3 chunked layout with a v1 B-tree, or a header this walk does
                     // not read: nothing visited, ask HDF5
        damaged,     // the tree disagrees with the format or the dataset: nothing visited
        past_end,    // a node or chunk lies past the end of the file (cut short, or damaged):
                     // nothing visited
    };
    Outcome outcome = Outcome::not_parsed;
    std::string problem;  // damaged, past_end: what is wrong, naming the node, the entry and the chunk

    bool listed() const { return outcome == Outcome::listed; }
};

// Walks the chunk B-tree of the dataset whose object header is at `object_header` (relative
// address) and, when the whole tree passes, visits every stored chunk (in key order).
//
// Checked, per node (HDF5 File Format Specification III.A.1, node type 1): the "TREE"
// signature, the node type, the level (each child one below its parent), the entries used
// (at most 2K; none only in an empty root leaf), the sibling addresses (each level's nodes
// chained left to right), the keys (the datatype offset that ends each chunk's key is 0; keys
// strictly increasing; a child's first and final key equal the two keys around it in its
// parent; a root's final key above its last entry), the children's addresses (inside the file,
// after the userblock). Per chunk: its origin on the chunk grid and inside the extent (HDF5
// deletes the chunks outside a dataset it shrinks, so a chunk there is damage), a stored size
// that is not 0 (and exactly the chunk's bytes when no filter was applied), its bytes inside
// the file, no two chunks and no chunk and a tree node sharing a byte, and at most
// `max_chunks` chunks. The key order makes every origin unique.
ChunkTreeWalk walk_chunk_btree(const RawFile& file, const HDF5Addressing& addressing, std::uint64_t object_header,
                               const ChunkGeometry& geometry, std::size_t max_chunks, const ChunkVisitor& visit);

}  // namespace chunkarr
