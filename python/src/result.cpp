// Result and Block bindings: streaming fetches that release the GIL while waiting for the
// network and convert each block in C++.
#include "result.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
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

PyResult::PyResult(std::shared_ptr<taoslink::Connection> conn, std::unique_ptr<taoslink::Result> result)
    : feed_(std::make_shared<BlockFeed>(std::move(conn), std::move(result))) {
    if (feed_->fields().empty()) done_ = true;  // nothing to fetch
}

PyResult::~PyResult() { close_feed(); }

std::unique_ptr<BlockFeed::Guard> PyResult::guard() {
    if (detached_) return nullptr;  // done_: no call below touches the feed's stream
    return std::make_unique<BlockFeed::Guard>(*feed_);
}

void PyResult::close_feed() noexcept {
    if (!feed_ || detached_) return;  // a detached feed is closed by its new owner
    // Runs with the GIL held (Python's dealloc or close()). Waiting for the prefetch and closing
    // may each take a network round trip: release the GIL so other threads run meanwhile.
    if (Py_IsInitialized() && PyGILState_Check()) {
        py::gil_scoped_release nogil;
        feed_->close();
        return;
    }
    feed_->close();
}

py::list PyResult::fields() const {
    py::list out;
    for (const auto& f : feed_->fields()) {
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
            next = feed_->next();
        }
        if (!next) {
            done_ = true;
            return false;
        }
        cur_ = std::move(next);
    }
    return false;
}

py::object PyResult::fetch_block() {
    auto busy = guard();
    if (!ensure_block()) return py::none();
    PyBlock b{cur_, feed_->precision(), pos_};
    feed_->delivered += cur_->rows() - pos_;
    cur_.reset();
    pos_ = 0;
    return py::cast(std::move(b));
}

py::list PyResult::fetch_rows(std::size_t max_rows, const Converter& conv) {
    auto busy = guard();
    py::list out;
    const bool one_block = max_rows == 0;
    std::size_t want = one_block ? std::numeric_limits<std::size_t>::max() : max_rows;
    while (want > 0 && ensure_block()) {
        const std::size_t n = std::min(want, cur_->rows() - pos_);
        {
            GcPause pause;
            append_rows(out, *cur_, feed_->precision(), conv, pos_, pos_ + n);
        }
        pos_ += n;
        feed_->delivered += n;
        want -= n;
        if (one_block) break;
    }
    return out;
}

py::list PyResult::fetch_all(const Converter& conv) {
    return fetch_rows(std::numeric_limits<std::size_t>::max(), conv);
}

py::list PyResult::fetch_all_dicts(const Converter& conv) {
    auto busy = guard();
    py::list out;
    if (done_) return out;
    std::vector<py::object> names;  // owns the keys
    std::vector<PyObject*> keys;
    for (const auto& f : feed_->fields()) {
        PyObject* k = PyUnicode_DecodeUTF8(f.name.data(), static_cast<Py_ssize_t>(f.name.size()), "replace");
        if (!k) throw py::error_already_set();
        PyUnicode_InternInPlace(&k);
        names.push_back(py::reinterpret_steal<py::object>(k));
        keys.push_back(k);
    }
    while (ensure_block()) {
        const std::size_t end = cur_->rows();
        {
            GcPause pause;
            append_dicts(out, *cur_, feed_->precision(), conv, pos_, end, keys);
        }
        feed_->delivered += end - pos_;
        pos_ = end;
    }
    return out;
}

py::list PyResult::fetch_columns(const Converter& conv) {
    auto busy = guard();
    py::list cols;
    const std::size_t ncols = feed_->fields().size();
    for (std::size_t c = 0; c < ncols; ++c) cols.append(py::list());
    while (ensure_block()) {
        const std::size_t end = cur_->rows();
        GcPause pause;
        for (std::size_t c = 0; c < ncols; ++c) {
            py::list col = cols[c];
            append_column(col, *cur_, c, feed_->precision(), conv, pos_, end);
        }
        feed_->delivered += end - pos_;
        pos_ = end;
    }
    return cols;
}

std::vector<std::pair<std::shared_ptr<const taoslink::Block>, std::size_t>> PyResult::drain() {
    auto busy = guard();
    std::vector<std::pair<std::shared_ptr<const taoslink::Block>, std::size_t>> out;
    std::uint64_t rows = 0;
    if (cur_ && pos_ < cur_->rows()) {
        rows += cur_->rows() - pos_;
        out.emplace_back(std::move(cur_), pos_);
    }
    cur_.reset();
    pos_ = 0;
    while (!done_) {
        if (PyErr_CheckSignals() != 0) throw py::error_already_set();
        std::shared_ptr<const taoslink::Block> next;
        {
            py::gil_scoped_release nogil;
            next = feed_->next();
        }
        if (!next) {
            done_ = true;
            break;
        }
        if (next->rows() == 0) continue;
        rows += next->rows();
        out.emplace_back(std::move(next), 0);
    }
    feed_->delivered += rows;
    return out;
}

void PyResult::unfetch(std::size_t n) {
    auto busy = guard();
    if (n == 0) return;
    if (!cur_ || n > pos_)
        throw std::logic_error("unfetch(" + std::to_string(n) + "): only rows of the current block can be given back");
    pos_ -= n;
    feed_->delivered -= n;
}

std::pair<std::shared_ptr<const taoslink::Block>, std::size_t> PyResult::detach(std::shared_ptr<BlockFeed>& feed) {
    auto busy = guard();
    std::pair<std::shared_ptr<const taoslink::Block>, std::size_t> rest{nullptr, 0};
    if (cur_ && pos_ < cur_->rows()) rest = {std::move(cur_), pos_};
    cur_.reset();
    pos_ = 0;
    // The feed goes to the first stream only (even when ended: the stream counts its rows there).
    feed = detached_ ? nullptr : feed_;
    done_ = true;
    detached_ = true;
    return rest;
}

void PyResult::close() {
    {
        auto busy = guard();
        cur_.reset();
        done_ = true;
    }
    close_feed();
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
        .def("fetch_all_dicts", &PyResult::fetch_all_dicts, py::arg("converter") = Converter(),
             "Every remaining row as a dict {column name: value} (a repeated name: the last column's value).")
        .def("fetch_columns", &PyResult::fetch_columns, py::arg("converter") = Converter(),
             "Every remaining row by column: a list with one list per column.")
        .def("unfetch", &PyResult::unfetch, py::arg("rows"),
             "Gives back the last `rows` rows of the current block (delivered by a row fetch but not used), "
             "so the next fetch returns them again.")
        .def("close", &PyResult::close, "Releases the result early. Idempotent.");
}

}  // namespace taoslink_py
