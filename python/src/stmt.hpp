// Prepared statements: whole columns of Python values (lists or buffers such as numpy arrays)
// converted in C++ into taoslink::BindColumn, and the PyStmt wrapper of taoslink::Stmt.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <pybind11/pybind11.h>

#include <taoslink/connection.hpp>

#include "result.hpp"

namespace taoslink_py {

namespace py = pybind11;

/// One converted column (or tag) ready to bind, with a label for error messages.
struct PyBindColumn {
    taoslink::BindColumn column;
    std::string label;  ///< "column 'v'", "tag 0", ... (may be empty)
};

/// Converts `values` (a sequence with None for NULL, or a 1-D buffer of numbers such as a numpy
/// array) into a bind column of TypeCode `type_code`. `nulls`, when not None, is a sequence or
/// buffer of booleans marking NULL rows (numpy masked arrays). Timestamps are ticks (int) or
/// datetimes converted in `precision` (0 ms, 1 us, 2 ns). A value of the wrong type raises
/// TypeError, one out of range OverflowError or ValueError; the message names `label`, the row
/// and the value's type. Numeric buffers are converted without creating Python objects.
PyBindColumn make_bind_column(int type_code, py::handle values, int precision, py::handle nulls,
                              const std::string& label);

/// A prepared statement over one connection. Not thread-safe (like a cursor).
class PyStmt {
public:
    PyStmt(std::shared_ptr<taoslink::Connection> conn, std::unique_ptr<taoslink::Stmt> stmt);
    ~PyStmt();

    void prepare(const std::string& sql);
    void set_table_name(const std::string& name);
    void set_tags(const py::list& tags);
    void bind(const py::list& columns, bool consume = false);
    void add_batch();
    /// Executes the added batches; returns the rows affected (also added to affected_rows()).
    std::int64_t execute();
    std::unique_ptr<PyResult> result();
    /// Stmt::fields() as a list of (name, type_code, is_tag, bytes, precision, scale).
    py::list fields();
    std::int64_t affected_rows() const { return affected_; }
    bool closed() const { return !stmt_; }
    void close();

private:
    taoslink::Stmt& live();

    std::shared_ptr<taoslink::Connection> conn_;  // declared first: destroyed after stmt_
    std::unique_ptr<taoslink::Stmt> stmt_;
    std::int64_t affected_ = 0;
};

}  // namespace taoslink_py
