// DSN helpers: thin bindings of taoslink/dsn.hpp. DSN parsing itself is the core's pure function.
#include <string>
#include <utility>
#include <vector>

#include <pybind11/stl.h>

#include <taoslink/dsn.hpp>

#include "bindings.hpp"

namespace taoslink_py {
namespace {

py::dict dsn_to_dict(const taoslink::Dsn& d) {
    py::dict out;
    out["scheme"] = d.scheme;
    out["user"] = d.user ? py::object(py::str(*d.user)) : py::object(py::none());
    out["password"] = d.password ? py::object(py::str(*d.password)) : py::object(py::none());
    py::list endpoints;
    for (const auto& e : d.endpoints) endpoints.append(py::make_tuple(e.host, e.port));
    out["endpoints"] = endpoints;
    out["database"] = d.database;
    py::dict params;
    for (const auto& [k, v] : d.params) params[py::str(k)] = v;
    out["params"] = params;
    return out;
}

}  // namespace

void register_dsn(py::module_& m) {
    m.def("parse_dsn", [](const std::string& text) { return dsn_to_dict(taoslink::parse_dsn(text)); },
          py::arg("dsn"),
          "Parses a DSN into a dict (scheme, user, password, endpoints [(host, port)], database, params). "
          "Raises NativeError(kind='DsnError') naming the part that is wrong.");
    m.def("redact_dsn", [](const std::string& text) { return taoslink::to_string(taoslink::parse_dsn(text), true); },
          py::arg("dsn"), "The DSN printed back with the password and any token replaced by ***.");
    m.def(
        "dsn_from_options",
        [](const std::string& default_scheme, const std::vector<std::pair<std::string, std::string>>& options,
           bool redact) { return taoslink::to_string(taoslink::dsn_from_options(default_scheme, options), redact); },
        py::arg("default_scheme"), py::arg("options"), py::arg("redact") = false,
        "Builds a DSN string from taospy-style (key, value) pairs (url, host, port, user, password, "
        "database, token, timeout, ...). Unknown keys become query parameters.");
}

}  // namespace taoslink_py
