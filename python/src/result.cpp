// Result and Block bindings: streaming fetches that release the GIL while waiting for the
// network and convert each block in C++.
#include "result.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <utility>

#include <taoslink/error.hpp>
#include <taoslink/types.hpp>

#include "bindings.hpp"

namespace taoslink_py {
namespace {

// Pauses Python's cyclic GC while a block is converted: conversion allocates millions of tuples
// that cannot form cycles, and collections triggered by those allocations cost 20-25% of a large
// fetch. Only held while the GIL is held (never across a network wait), restored on exceptions.
class GcPause {
public:
    GcPause() {
#if PY_VERSION_HEX >= 0x030A0000
        was_enabled_ = PyGC_Disable() != 0;
#endif
    }
    ~GcPause() {
#if PY_VERSION_HEX >= 0x030A0000
        if (was_enabled_) PyGC_Enable();
#endif
    }
    GcPause(const GcPause&) = delete;
    GcPause& operator=(const GcPause&) = delete;

private:
    bool was_enabled_ = false;
};

}  // namespace

class PyResult::Busy {
public:
    explicit Busy(PyResult& r) : r_(r) {
        if (r_.busy_) throw std::runtime_error("this result is already being fetched by another thread");
        r_.busy_ = true;
    }
    ~Busy() { r_.busy_ = false; }
    Busy(const Busy&) = delete;
    Busy& operator=(const Busy&) = delete;

private:
    PyResult& r_;
};

PyResult::PyResult(std::shared_ptr<taoslink::Connection> conn, std::unique_ptr<taoslink::Result> result)
    : conn_(std::move(conn)), result_(std::move(result)) {
    fields_ = result_->fields();
    precision_ = result_->precision();
    affected_ = result_->affected_rows();
    if (fields_.empty()) done_ = true;  // nothing to fetch
}

PyResult::~PyResult() {
    // The destructor runs with the GIL held (Python's dealloc). Waiting for the prefetch and
    // closing may each take a network round trip: release the GIL so other threads run meanwhile.
    if (Py_IsInitialized() && PyGILState_Check()) {
        py::gil_scoped_release nogil;
        wait_prefetch();
        if (result_) result_->close();
        return;
    }
    wait_prefetch();
    if (result_) result_->close();
}

void PyResult::wait_prefetch() noexcept {
    if (!pending_.valid()) return;
    try {
        pending_.get();  // the block (or the error) is discarded
    } catch (...) {
    }
}

std::shared_ptr<const taoslink::Block> PyResult::take_next() {
    std::shared_ptr<const taoslink::Block> next;
    if (pending_.valid()) {
        next = pending_.get();
    } else {
        next = result_->next_block();
    }
    if (next) {
        taoslink::Result* r = result_.get();
        pending_ = std::async(std::launch::async, [r] { return r->next_block(); });
    }
    return next;
}

py::list PyResult::fields() const {
    py::list out;
    for (const auto& f : fields_) {
        out.append(py::make_tuple(f.name, static_cast<int>(f.type), f.length, static_cast<int>(f.decimal_precision),
                                  static_cast<int>(f.decimal_scale)));
    }
    return out;
}

bool PyResult::ensure_block() {
    while (!done_) {
        if (cur_ && pos_ < cur_->rows()) return true;
        cur_.reset();
        pos_ = 0;
        if (PyErr_CheckSignals() != 0) throw py::error_already_set();
        std::shared_ptr<const taoslink::Block> next;
        {
            py::gil_scoped_release nogil;
            next = take_next();
        }
        if (!next) {
            done_ = true;
            result_->close();
            return false;
        }
        cur_ = std::move(next);
    }
    return false;
}

py::object PyResult::fetch_block() {
    Busy busy(*this);
    if (!ensure_block()) return py::none();
    PyBlock b{cur_, precision_, pos_};
    fetched_ += cur_->rows() - pos_;
    cur_.reset();
    pos_ = 0;
    return py::cast(std::move(b));
}

py::list PyResult::fetch_rows(std::size_t max_rows, const Converter& conv) {
    Busy busy(*this);
    py::list out;
    const bool one_block = max_rows == 0;
    std::size_t want = one_block ? std::numeric_limits<std::size_t>::max() : max_rows;
    while (want > 0 && ensure_block()) {
        const std::size_t n = std::min(want, cur_->rows() - pos_);
        {
            GcPause pause;
            append_rows(out, *cur_, precision_, conv, pos_, pos_ + n);
        }
        pos_ += n;
        fetched_ += n;
        want -= n;
        if (one_block) break;
    }
    return out;
}

py::list PyResult::fetch_all(const Converter& conv) {
    return fetch_rows(std::numeric_limits<std::size_t>::max(), conv);
}

py::list PyResult::fetch_columns(const Converter& conv) {
    Busy busy(*this);
    py::list cols;
    for (std::size_t c = 0; c < fields_.size(); ++c) cols.append(py::list());
    while (ensure_block()) {
        const std::size_t end = cur_->rows();
        GcPause pause;
        for (std::size_t c = 0; c < fields_.size(); ++c) {
            py::list col = cols[c];
            append_column(col, *cur_, c, precision_, conv, pos_, end);
        }
        fetched_ += end - pos_;
        pos_ = end;
    }
    return cols;
}

void PyResult::close() {
    Busy busy(*this);
    if (pending_.valid()) {
        py::gil_scoped_release nogil;
        wait_prefetch();
    }
    cur_.reset();
    done_ = true;
    if (result_) result_->close();
}

namespace {

std::size_t check_column(const PyBlock& b, std::size_t c) {
    if (c >= b.block->columns()) throw py::index_error("column index out of range");
    return c;
}

}  // namespace

void register_result(py::module_& m) {
    py::class_<PyBlock>(m, "Block", "One columnar block of a result (the rows not yet delivered by row fetches).")
        .def_property_readonly("rows", [](const PyBlock& b) { return b.block->rows() - b.begin; })
        .def_property_readonly("columns", [](const PyBlock& b) { return b.block->columns(); })
        .def_property_readonly("group_id", [](const PyBlock& b) { return b.block->group_id(); })
        .def(
            "column",
            [](const PyBlock& b, std::size_t c, const Converter& conv) {
                py::list out;
                append_column(out, *b.block, check_column(b, c), b.precision, conv, b.begin, b.block->rows());
                return out;
            },
            py::arg("index"), py::arg("converter") = Converter(), "Column `index` as a list of Python values.")
        .def(
            "type_code", [](const PyBlock& b, std::size_t c) { return static_cast<int>(b.block->column(check_column(b, c)).type()); },
            py::arg("index"))
        .def(
            "to_rows",
            [](const PyBlock& b, const Converter& conv) {
                py::list out;
                append_rows(out, *b.block, b.precision, conv, b.begin, b.block->rows());
                return out;
            },
            py::arg("converter") = Converter(), "The rows as a list of tuples (or lists).")
        .def_property_readonly(
            "raw", [](const PyBlock& b) {
                auto raw = b.block->raw();
                return py::bytes(raw.data(), raw.size());
            },
            "The encoded raw block (protocol.md section 4), including rows already fetched.");

    py::class_<PyResult>(m, "Result", "A streaming result: its schema and its blocks. Not thread-safe.")
        .def_property_readonly("fields", &PyResult::fields,
                               "List of (name, type_code, length, decimal_precision, decimal_scale).")
        .def_property_readonly("precision", [](const PyResult& r) { return static_cast<int>(r.precision()); },
                               "0 ms, 1 us, 2 ns.")
        .def_property_readonly("affected_rows", &PyResult::affected_rows, "Rows written; -1 for queries.")
        .def_property_readonly("exhausted", &PyResult::exhausted, "True once every row has been fetched.")
        .def_property_readonly("rows_fetched", &PyResult::rows_fetched, "Rows delivered so far.")
        .def("fetch_block", &PyResult::fetch_block, "The next Block, or None at the end.")
        .def("fetch_rows", &PyResult::fetch_rows, py::arg("max_rows"), py::arg("converter") = Converter(),
             "Up to max_rows rows (0: the rest of the current block, or the next block); [] at the end.")
        .def("fetch_all", &PyResult::fetch_all, py::arg("converter") = Converter(), "Every remaining row.")
        .def("fetch_columns", &PyResult::fetch_columns, py::arg("converter") = Converter(),
             "Every remaining row by column: a list with one list per column.")
        .def("close", &PyResult::close, "Releases the result early. Idempotent.");
}

}  // namespace taoslink_py
