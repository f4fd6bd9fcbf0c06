// Connection bindings. Every call that may wait on the network runs without the GIL.
//
// A Connection may be shared between threads (the core's rule); its Results may not.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/stl.h>

#include <taoslink/dispatcher.hpp>
#include <taoslink/error.hpp>

#include "bindings.hpp"
#include "result.hpp"
#include "stmt.hpp"

namespace taoslink_py {
namespace {

class PyConnection {
public:
    explicit PyConnection(std::unique_ptr<taoslink::Connection> conn)
        : conn_(std::move(conn)), describe_(conn_->describe()) {}

    std::unique_ptr<PyResult> query(const std::string& sql, std::int64_t req_id) {
        auto c = live();
        std::unique_ptr<taoslink::Result> r;
        {
            py::gil_scoped_release nogil;
            r = c->query(sql, options(req_id));
        }
        return std::make_unique<PyResult>(c, std::move(r));
    }

    std::int64_t execute(const std::string& sql, std::int64_t req_id) {
        auto c = live();
        py::gil_scoped_release nogil;
        return c->execute(sql, options(req_id));
    }

    void select_db(const std::string& db) {
        auto c = live();
        py::gil_scoped_release nogil;
        c->select_db(db);
    }

    std::string database() const { return live()->database(); }

    std::string server_version() {
        auto c = live();
        py::gil_scoped_release nogil;
        return c->server_version();
    }

    /// The client library's version (taosc's taos_get_client_info() on taos://); "" when the
    /// transport has none.
    std::string client_version() {
        auto c = live();
        py::gil_scoped_release nogil;
        return c->client_version();
    }

    std::int64_t schemaless_insert(py::object lines, int protocol, int precision, int ttl,
                                   const std::string& table_name_key, const std::string& database,
                                   std::int64_t req_id) {
        auto c = live();
        taoslink::SchemalessRequest req;
        if (py::isinstance<py::str>(lines)) {
            req.lines = lines.cast<std::string>();
        } else {
            bool first = true;
            for (auto line : lines) {
                if (!first) req.lines += '\n';
                req.lines += line.cast<std::string>();
                first = false;
            }
        }
        if (protocol < 1 || protocol > 3) throw py::value_error("protocol must be 1 (line), 2 (telnet) or 3 (json)");
        if (precision < 0 || precision > 6) throw py::value_error("precision must be between 0 and 6");
        req.protocol = static_cast<taoslink::SchemalessProtocol>(protocol);
        req.precision = static_cast<taoslink::SchemalessPrecision>(precision);
        req.ttl = ttl;
        req.table_name_key = table_name_key;
        req.database = database;
        req.options = options(req_id);
        py::gil_scoped_release nogil;
        return c->schemaless_insert(req);
    }

    /// A new prepared statement (NotSupportedError where the transport has none).
    std::unique_ptr<PyStmt> statement() {
        auto c = live();
        std::unique_ptr<taoslink::Stmt> st;
        {
            py::gil_scoped_release nogil;
            st = c->statement();
        }
        return std::make_unique<PyStmt>(c, std::move(st));
    }

    const std::string& describe() const { return describe_; }
    bool closed() const { return closed_; }

    void close() {
        if (closed_) return;
        closed_ = true;
        py::gil_scoped_release nogil;
        conn_->close();
    }

private:
    static taoslink::RequestOptions options(std::int64_t req_id) {
        taoslink::RequestOptions o;
        o.req_id = req_id;
        return o;
    }

    std::shared_ptr<taoslink::Connection> live() const {
        if (closed_) throw taoslink::UsageError(taoslink::code::InvalidConnection, "the connection is closed");
        return conn_;
    }

    std::shared_ptr<taoslink::Connection> conn_;
    std::string describe_;
    bool closed_ = false;
};

std::unique_ptr<PyConnection> open(const std::string& dsn) {
    std::unique_ptr<taoslink::Connection> c;
    {
        py::gil_scoped_release nogil;
        c = taoslink::connect(dsn);
    }
    return std::make_unique<PyConnection>(std::move(c));
}

std::unique_ptr<PyConnection> open_options(const std::string& default_scheme,
                                           const std::vector<std::pair<std::string, std::string>>& options) {
    std::unique_ptr<taoslink::Connection> c;
    {
        py::gil_scoped_release nogil;
        c = taoslink::connect(taoslink::dsn_from_options(default_scheme, options));
    }
    return std::make_unique<PyConnection>(std::move(c));
}

}  // namespace

void register_connection(py::module_& m) {
    py::class_<PyConnection>(m, "Connection", "A connection to TDengine through a transport plugin. Thread-safe.")
        .def("query", &PyConnection::query, py::arg("sql"), py::arg("req_id") = 0,
             "Runs one statement and returns its streaming Result.")
        .def("execute", &PyConnection::execute, py::arg("sql"), py::arg("req_id") = 0,
             "Runs one statement for its effect; returns the affected rows.")
        .def("select_db", &PyConnection::select_db, py::arg("db"))
        .def_property_readonly("database", &PyConnection::database)
        .def("server_version", &PyConnection::server_version)
        .def("client_version", &PyConnection::client_version,
             "The client library's version (taosc's on taos://); empty when the transport has none.")
        .def("schemaless_insert", &PyConnection::schemaless_insert, py::arg("lines"), py::arg("protocol"),
             py::arg("precision") = 0, py::arg("ttl") = 0, py::arg("table_name_key") = "",
             py::arg("database") = "", py::arg("req_id") = 0,
             "Writes InfluxDB line (1), OpenTSDB telnet (2) or JSON (3) data; precision 0..6 as in "
             "SchemalessPrecision. Returns the rows written, or -1 when unknown.")
        .def("statement", &PyConnection::statement,
             "A new prepared statement (Stmt). Raises NativeError(kind='NotSupportedError') where the "
             "transport has none (REST).")
        .def("describe", &PyConnection::describe, "The DSN, password and token redacted.")
        .def_property_readonly("closed", &PyConnection::closed)
        .def("close", &PyConnection::close, "Closes the connection. Idempotent.")
        .def("__repr__", [](const PyConnection& c) {
            return "<taoslink._taoslink.Connection " + c.describe() + (c.closed() ? " (closed)>" : ">");
        });

    m.def("connect", &open, py::arg("dsn"), "Opens a connection for a DSN, loading its transport plugin.");
    m.def("connect_options", &open_options, py::arg("default_scheme"), py::arg("options"),
          "Opens a connection from taospy-style (key, value) pairs (see dsn_from_options).");
}

}  // namespace taoslink_py
