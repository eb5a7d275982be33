#include "exec/rank_share.hpp"

#include <chunkarr/core/error.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
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

std::string pack_subtrees(const std::vector<Subtree>& subtrees, const std::vector<std::string>& states) {
    std::string payload;
    for (std::size_t i = 0; i < subtrees.size(); ++i) {
        const std::uint64_t head[4] = {static_cast<std::uint64_t>(subtrees[i].output),
                                       static_cast<std::uint64_t>(subtrees[i].lo),
                                       static_cast<std::uint64_t>(subtrees[i].hi), states[i].size()};
        payload.append(reinterpret_cast<const char*>(head), sizeof head).append(states[i]);
    }
    return payload;
}

std::map<std::tuple<Index, Index, Index>, std::string> unpack_subtrees(const std::vector<std::string>& payloads) {
    std::map<std::tuple<Index, Index, Index>, std::string> states;
    for (const std::string& bytes : payloads) {
        for (std::size_t at = 0; at < bytes.size();) {
            std::uint64_t head[4];
            if (at + sizeof head > bytes.size()) throw Error("internal: subtrees from another rank are cut short");
            std::memcpy(head, bytes.data() + at, sizeof head);
            at += sizeof head;
            if (head[3] > bytes.size() - at) throw Error("internal: subtrees from another rank are cut short");
            states[{static_cast<Index>(head[0]), static_cast<Index>(head[1]), static_cast<Index>(head[2])}] =
                bytes.substr(at, head[3]);
            at += head[3];
        }
    }
    return states;
}

}  // namespace chunkarr
