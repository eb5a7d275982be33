#include "exec/rank_share.hpp"

#include <algorithm>
#include <functional>

namespace chunkarr {

TaskRange rank_share(Index tasks, int rank, int ranks) {
    auto start = [&](Index r) { return tasks / ranks * r + std::min<Index>(r, tasks % ranks); };
    return {start(rank), start(rank + 1)};
}

std::vector<Subtree> subtrees_within(Index outputs, Index leaves, TaskRange range) {
    std::vector<Subtree> found;
    if (leaves <= 0 || range.begin >= range.end) return found;
    // Leaves of output `output` inside the range: [first, last).
    std::function<void(Index, Index, Index, Index, Index)> walk = [&](Index output, Index lo, Index hi, Index first,
                                                                      Index last) {
        if (hi <= first || lo >= last) return;  // none of its leaves are ours
        if (first <= lo && hi <= last) return found.push_back({output, lo, hi});
        const Index mid = tree_split(lo, hi);
        walk(output, lo, mid, first, last);
        walk(output, mid, hi, first, last);
    };
    for (Index output = range.begin / leaves; output < outputs && output * leaves < range.end; ++output) {
        const Index first = std::max<Index>(range.begin - output * leaves, 0);
        const Index last = std::min<Index>(range.end - output * leaves, leaves);
        walk(output, 0, leaves, first, last);
    }
    return found;
}

}  // namespace chunkarr
