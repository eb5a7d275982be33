#pragma once
// How the tasks of one reduction group are shared among MPI ranks without changing a bit of the
// result. The executor reduces each output block's leaves (its chunks, in index order) in a
// fixed binary tree; the tasks, numbered output block by output block, are cut into one
// contiguous run per rank. A rank computes the largest subtrees that lie inside its run (their
// leaves are the chunks it reads); every rank then finishes the tree above them from all ranks'
// subtrees, merging in exactly the order one process would.
#include <chunkarr/core/shape.hpp>

#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace chunkarr {

// Tasks [begin, end) of a run numbered 0, 1, ...
struct TaskRange {
    Index begin = 0;
    Index end = 0;
};

// Rank `rank` of `ranks`: a contiguous run of `tasks`, the runs in rank order and as even as
// can be (sizes differ by at most one).
TaskRange rank_share(Index tasks, int rank, int ranks);

// A node of output block `output`'s tree: its leaves [lo, hi).
struct Subtree {
    Index output = 0;
    Index lo = 0;
    Index hi = 0;
    bool operator==(const Subtree&) const = default;
};

// The tree over leaves [lo, hi) splits at lo + (hi - lo) / 2 (the executor's tree).
inline Index tree_split(Index lo, Index hi) { return lo + (hi - lo) / 2; }

// The largest subtrees whose leaves all lie in `range` (task t is output t / leaves, leaf
// t % leaves), in task order. Over all ranks' ranges they cover every leaf exactly once.
std::vector<Subtree> subtrees_within(Index outputs, Index leaves, TaskRange range);

// Subtrees and the bytes of their partial states, as one rank's payload of an exchange...
std::string pack_subtrees(const std::vector<Subtree>& subtrees, const std::vector<std::string>& states);
// ...and every rank's payloads read back, by subtree.
std::map<std::tuple<Index, Index, Index>, std::string> unpack_subtrees(const std::vector<std::string>& payloads);

}  // namespace chunkarr
