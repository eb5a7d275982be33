#include <chunkarr/core/error.hpp>

#include "support/catch.hpp"

using namespace chunkarr;

TEST_CASE("context is appended and the error type is kept", "[core]") {
    auto rethrow = [](auto error) {
        try {
            throw error;
        } catch (...) {
            rethrow_with_context(" (chunk (1, 2))");
        }
    };
    CHECK_THROWS_AS(rethrow(IOError("read failed")), IOError);
    CHECK_THROWS_WITH(rethrow(IOError("read failed")), "read failed (chunk (1, 2))");
    CHECK_THROWS_AS(rethrow(FormatError("bad")), FormatError);
    CHECK_THROWS_AS(rethrow(KeyError("none")), KeyError);
    CHECK_THROWS_AS(rethrow(std::runtime_error("other")), Error);
    // A cancellation is not about a chunk: it passes unchanged.
    CHECK_THROWS_WITH(rethrow(CancelledError("stop")), "stop");
}

TEST_CASE("a rewritten message keeps the error type", "[core]") {
    auto rethrow = [](auto error) {
        try {
            throw error;
        } catch (...) {
            rethrow_rewritten([](const std::string& message) { return "<" + message + ">"; });
        }
    };
    CHECK_THROWS_AS(rethrow(IOError("read failed")), IOError);
    CHECK_THROWS_WITH(rethrow(IOError("read failed")), "<read failed>");
    CHECK_THROWS_AS(rethrow(ValueError("bad")), ValueError);
    CHECK_THROWS_WITH(rethrow(std::runtime_error("other")), "<other>");
    CHECK_THROWS_WITH(rethrow(CancelledError("stop")), "stop");  // not about any chunk: as it was
}
