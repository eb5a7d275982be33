#pragma once
// The whole C++ API: #include <chunkarr/chunkarr.hpp>
#include <chunkarr/core/dtype.hpp>
#include <chunkarr/core/error.hpp>
#include <chunkarr/core/ndarray.hpp>
#include <chunkarr/core/ndarray_xtensor.hpp>
#include <chunkarr/core/shape.hpp>
#include <chunkarr/exec/compute.hpp>
#include <chunkarr/exec/options.hpp>
#include <chunkarr/exec/stats.hpp>
#include <chunkarr/exec/store.hpp>
#include <chunkarr/graph/array.hpp>
#include <chunkarr/graph/constructors.hpp>
#include <chunkarr/graph/xtensor.hpp>
#include <chunkarr/io/hdf5_sink.hpp>
#include <chunkarr/io/hdf5_source.hpp>
#include <chunkarr/version.hpp>
