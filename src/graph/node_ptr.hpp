#pragma once
// The handle every layer passes nodes around by (the node itself: graph/node.hpp).
#include <memory>

namespace chunkarr {

struct Node;
using NodePtr = std::shared_ptr<const Node>;

}  // namespace chunkarr
