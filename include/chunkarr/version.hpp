#pragma once
namespace chunkarr {
inline constexpr const char* version = "0.1.0";
}
