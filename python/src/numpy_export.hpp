// Result -> numpy arrays, one per column for the rest of a result. See numpy_export.cpp.
#pragma once

#include <pybind11/pybind11.h>

#include "result.hpp"

namespace taoslink_py {

/// Every remaining row of `result`: a list with one (values, mask) tuple per column; mask is a
/// numpy bool array (True = NULL) or None when the column has no NULL. Imports numpy.
py::list fetch_numpy(PyResult& result, const Converter& conv);

}  // namespace taoslink_py
