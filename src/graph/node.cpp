#include "graph/node.hpp"

#include <algorithm>
#include <mutex>
#include <type_traits>
#include <unordered_map>

namespace chunkarr {

namespace {

std::size_t structural_hash(const Node& n) {
    std::size_t h = hash_of(n.op.index(), n.dtype, n.shape);
    for (const auto& axis : n.chunks.chunks()) hash_mix(h, axis.size());
    for (const auto& input : n.inputs) hash_mix(h, input->hash);
    hash_mix(h, std::visit([](const auto& op) { return op.hash(); }, n.op));
    return h;
}

bool structurally_equal(const Node& a, const Node& b) {
    return a.dtype == b.dtype && a.inputs == b.inputs && a.shape == b.shape && a.op == b.op && a.chunks == b.chunks;
}

}  // namespace

NodePtr intern(Node node) {
    static std::mutex mutex;
    static std::unordered_multimap<std::size_t, std::weak_ptr<const Node>> table;
    static std::size_t prune_at = 1024;
    node.hash = structural_hash(node);
    std::lock_guard lock(mutex);
    auto [first, last] = table.equal_range(node.hash);
    for (auto it = first; it != last; ++it)
        if (auto existing = it->second.lock(); existing && structurally_equal(*existing, node)) return existing;
    auto created = std::make_shared<const Node>(std::move(node));
    table.emplace(created->hash, created);
    if (table.size() > prune_at) {
        for (auto it = table.begin(); it != table.end();) it = it->second.expired() ? table.erase(it) : std::next(it);
        prune_at = std::max<std::size_t>(1024, 2 * table.size());
    }
    return created;
}

NodePtr with_inputs(const Node& node, std::vector<NodePtr> inputs) {
    return std::visit([&](const auto& op) { return rebuild(op, node, std::move(inputs)); }, node.op);
}

std::string describe(const Node& node, const std::vector<std::string>& inputs) {
    return std::visit([&](const auto& op) { return describe(op, node, inputs); }, node.op);
}

bool is_elementwise(const Node& node) {
    return std::visit([](const auto& op) { return std::decay_t<decltype(op)>::elementwise; }, node.op);
}

bool is_reduction(const Node& node) {
    return std::visit([](const auto& op) { return std::decay_t<decltype(op)>::reduction; }, node.op);
}

}  // namespace chunkarr
