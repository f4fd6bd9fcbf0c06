// taoslink._taoslink: the one extension module behind the `taoslink`, `taosrest` and `taosws` packages.
#include <string>

#include <pybind11/stl.h>

#include <taoslink/dispatcher.hpp>
#include <taoslink/types.hpp>

#include "bindings.hpp"

namespace py = pybind11;

PYBIND11_MODULE(_taoslink, m) {
    m.doc() = "taoslink's C++ core: connections through transport plugins and fast result conversion. "
              "Internal: use the taoslink (PEP 249), taosrest or taosws packages.";
    taoslink_py::register_errors(m);
    taoslink_py::register_dsn(m);
    taoslink_py::register_convert(m);
    taoslink_py::register_result(m);
    taoslink_py::register_row_iterator(m);
    taoslink_py::register_columnar(m);
    taoslink_py::register_stmt(m);
    taoslink_py::register_consumer(m);
    taoslink_py::register_connection(m);

    m.def("version", [] { return std::string(taoslink::version()); }, "The library version.");
    m.def("loaded_plugins", &taoslink::loaded_plugins, "Names of the plugins loaded so far, in load order.");
    m.def("available_plugins", &taoslink::available_plugins,
          "Names of the plugins on the search path, found by file name without loading them.");
    m.def("plugin_search_path", &taoslink::plugin_search_path, "Directories searched for plugins, in order.");
    m.def("scheme_map", &taoslink::scheme_map, "The scheme -> plugin map in force.");
    m.def("load_plugin_file", &taoslink::load_plugin_file, py::arg("path"),
          "Loads a plugin file explicitly and registers its schemes; returns the plugin's name.");
    m.def(
        "type_name",
        [](int code) {
            if (!taoslink::is_known_type(code)) return std::string("UNKNOWN");
            return std::string(taoslink::type_name(static_cast<taoslink::TypeCode>(code)));
        },
        py::arg("type_code"), "The type name taosAdapter writes in REST column_meta (\"INT\", \"VARCHAR\", ...).");
    m.attr("PRECISION_MS") = 0;
    m.attr("PRECISION_US") = 1;
    m.attr("PRECISION_NS") = 2;
}
