// Declarations shared by the files of the extension module taoslink._taoslink.
#pragma once

#include <pybind11/pybind11.h>

namespace taoslink_py {

namespace py = pybind11;

/// errors.cpp: the NativeError exception and the C++ -> Python translator.
void register_errors(py::module_& m);
/// dsn.cpp: parse_dsn, redact_dsn, dsn_from_options.
void register_dsn(py::module_& m);
/// convert.cpp: the Converter class (and the cached Python objects conversion needs).
void register_convert(py::module_& m);
/// result.cpp: Result and Block.
void register_result(py::module_& m);
/// row_iterator.cpp: RowIterator, the C-level iterator over rows fetched a block at a time.
void register_row_iterator(py::module_& m);
/// columnar.cpp: Result.fetch_numpy() and Result.arrow_stream() (after register_result).
void register_columnar(py::module_& m);
/// connection.cpp: Connection and connect().
void register_connection(py::module_& m);
/// stmt.cpp: BindColumn and Stmt.
void register_stmt(py::module_& m);
/// consumer.cpp: Consumer, Message and open_consumer().
void register_consumer(py::module_& m);

}  // namespace taoslink_py
