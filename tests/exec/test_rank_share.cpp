#include <chunkarr/core/error.hpp>

#include "exec/rank_share.hpp"
#include "support/catch.hpp"

#include <cstring>
#include <functional>
#include <map>
#include <random>
#include <tuple>
#include <vector>

using namespace chunkarr;

TEST_CASE("ranks get contiguous runs of the tasks, in rank order, as even as can be", "[exec][mpi]") {
    for (const Index tasks : {0, 1, 2, 5, 7, 100, 101}) {
        for (const int ranks : {1, 2, 3, 4, 8}) {
            Index next = 0;
            for (int rank = 0; rank < ranks; ++rank) {
                const TaskRange share = rank_share(tasks, rank, ranks);
                CHECK(share.begin == next);
                const Index size = share.end - share.begin;
                CHECK(size >= tasks / ranks);
                CHECK(size <= tasks / ranks + 1);
                next = share.end;
            }
            CHECK(next == tasks);
        }
    }
}

namespace {

// Whether [lo, hi) is a node of the tree over [0, leaves) that splits at tree_split.
bool is_tree_node(Index leaves, Index lo, Index hi) {
    Index a = 0, b = leaves;
    while (true) {
        if (a == lo && b == hi) return true;
        if (b - a <= 1) return false;
        const Index mid = tree_split(a, b);
        if (hi <= mid) b = mid;
        else if (lo >= mid) a = mid;
        else return false;
    }
}

}  // namespace

TEST_CASE("the ranks' subtrees are nodes of the fixed tree and cover every leaf once", "[exec][mpi]") {
    for (const Index outputs : {1, 2, 3}) {
        for (const Index leaves : {1, 2, 3, 7, 16, 37}) {
            for (const int ranks : {1, 2, 3, 5}) {
                std::vector<int> covered(static_cast<std::size_t>(outputs * leaves), 0);
                for (int rank = 0; rank < ranks; ++rank) {
                    const TaskRange share = rank_share(outputs * leaves, rank, ranks);
                    for (const Subtree& s : subtrees_within(outputs, leaves, share)) {
                        CHECK(is_tree_node(leaves, s.lo, s.hi));
                        for (Index leaf = s.lo; leaf < s.hi; ++leaf) {
                            const Index task = s.output * leaves + leaf;
                            CHECK(task >= share.begin);  // only leaves of the rank's own run
                            CHECK(task < share.end);
                            ++covered[static_cast<std::size_t>(task)];
                        }
                    }
                }
                for (int count : covered) CHECK(count == 1);
            }
        }
    }
    // One rank: each output's whole tree.
    CHECK(subtrees_within(2, 5, {0, 10}) == std::vector<Subtree>{{0, 0, 5}, {1, 0, 5}});
}

TEST_CASE("finishing the tree from the ranks' subtrees gives the one-process sum bit for bit", "[exec][mpi]") {
    // Float sums depend on their order: any other tree would change low bits.
    std::mt19937 random(3);
    std::uniform_real_distribution<double> uniform(-1e6, 1e6);
    const Index leaves = 101;
    std::vector<double> values(leaves);
    for (auto& v : values) v = uniform(random) * (uniform(random) > 0 ? 1e-9 : 1.0);
    std::function<double(Index, Index)> tree = [&](Index lo, Index hi) {
        return hi - lo == 1 ? values[static_cast<std::size_t>(lo)]
                            : tree(lo, tree_split(lo, hi)) + tree(tree_split(lo, hi), hi);
    };
    const double alone = tree(0, leaves);
    double in_order = 0;  // the plain left-to-right sum differs: the test can tell the orders apart
    for (double v : values) in_order += v;
    CHECK(in_order != alone);
    for (const int ranks : {2, 3, 4, 7}) {
        std::map<std::pair<Index, Index>, double> made;
        for (int rank = 0; rank < ranks; ++rank)
            for (const Subtree& s : subtrees_within(1, leaves, rank_share(leaves, rank, ranks)))
                made[{s.lo, s.hi}] = tree(s.lo, s.hi);
        std::function<double(Index, Index)> finish = [&](Index lo, Index hi) {
            auto it = made.find({lo, hi});
            if (it != made.end()) return it->second;
            return finish(lo, tree_split(lo, hi)) + finish(tree_split(lo, hi), hi);
        };
        const double split = finish(0, leaves);
        CHECK(std::memcmp(&split, &alone, sizeof split) == 0);
    }
}

TEST_CASE("subtrees and their states travel as one payload and come back by subtree", "[exec][mpi]") {
    const std::vector<Subtree> first{{0, 0, 4}, {1, 2, 3}};
    const std::vector<Subtree> second{{1, 3, 5}};
    const std::string binary("\0\1\2", 3);
    const auto states = unpack_subtrees(
        {pack_subtrees(first, {"state a", binary}), pack_subtrees({}, {}), pack_subtrees(second, {""})});
    REQUIRE(states.size() == 3);
    CHECK(states.at({0, 0, 4}) == "state a");
    CHECK(states.at({1, 2, 3}) == binary);
    CHECK(states.at({1, 3, 5}).empty());
    const std::string payload = pack_subtrees(first, {"state a", binary});
    CHECK_THROWS_AS(unpack_subtrees({payload.substr(0, payload.size() - 1)}), Error);
    CHECK_THROWS_AS(unpack_subtrees({payload.substr(0, 5)}), Error);
}
