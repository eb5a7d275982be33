#pragma once
// Catch2 v2 (Debian) and v3 (conda-forge) side by side.
#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
using Catch::Approx;
#else
#include <catch2/catch.hpp>
#endif
