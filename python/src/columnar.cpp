// The columnar methods of Result: fetch_numpy() and arrow_stream() (the Arrow PyCapsule stream).
#include "arrow_export.hpp"
#include "bindings.hpp"
#include "numpy_export.hpp"
#include "result.hpp"

namespace taoslink_py {

void register_columnar(py::module_& m) {
    auto result = py::reinterpret_borrow<py::class_<PyResult>>(m.attr("Result"));
    result.def("fetch_numpy", &fetch_numpy, py::arg("converter") = Converter(),
               "Every remaining row as numpy arrays: a list of (values, mask) per column; mask is a bool "
               "array (True = NULL) or None when the column has no NULL. Needs numpy.");
    result.def(
        "arrow_stream",
        [](PyResult& r) {
            std::shared_ptr<BlockFeed> feed;
            auto [first, begin] = r.detach(feed);
            return make_arrow_stream(r.field_list(), r.precision(), std::move(first), begin, std::move(feed));
        },
        "The remaining rows as an Arrow C stream: a PyCapsule named 'arrow_array_stream' (one record batch "
        "per block). The Result is exhausted afterwards; the stream owns the rest of it.");
}

}  // namespace taoslink_py
