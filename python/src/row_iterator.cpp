// RowIterator: iterates the rows of the lists a Python callable returns, one list (a block's
// rows) per call, until an empty list. Written against the C API, not pybind11, because its
// __next__ runs once per row: a pybind11 method costs a dispatch per call that is as large as
// building the row, while tp_iternext here is a bounds check and an incref.
#include <Python.h>

#include "bindings.hpp"

namespace taoslink_py {
namespace {

struct RowIterator {
    PyObject_HEAD
    PyObject* fetch;  // the callable; cleared at the end, so a finished iterator stays finished
    PyObject* chunk;  // the current list, or nullptr
    Py_ssize_t pos;   // next row of chunk
};

int row_iterator_init(PyObject* self, PyObject* args, PyObject* kwargs) {
    PyObject* fetch = nullptr;
    static const char* names[] = {"fetch", nullptr};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O:RowIterator", const_cast<char**>(names), &fetch)) return -1;
    if (!PyCallable_Check(fetch)) {
        PyErr_SetString(PyExc_TypeError, "RowIterator(fetch): fetch must be callable");
        return -1;
    }
    auto* it = reinterpret_cast<RowIterator*>(self);
    Py_INCREF(fetch);
    Py_XSETREF(it->fetch, fetch);
    Py_CLEAR(it->chunk);
    it->pos = 0;
    return 0;
}

PyObject* row_iterator_next(PyObject* self) {
    auto* it = reinterpret_cast<RowIterator*>(self);
    for (;;) {
        if (it->chunk) {
            if (it->pos < PyList_GET_SIZE(it->chunk)) {
                PyObject* row = PyList_GET_ITEM(it->chunk, it->pos++);
                Py_INCREF(row);
                return row;
            }
            Py_CLEAR(it->chunk);
        }
        if (!it->fetch) return nullptr;  // StopIteration (no error set)
        PyObject* next = PyObject_CallNoArgs(it->fetch);
        if (!next) return nullptr;  // the callable's exception, e.g. a fetch error
        if (!PyList_Check(next)) {
            PyErr_Format(PyExc_TypeError, "RowIterator: fetch() must return a list, not %.100s", Py_TYPE(next)->tp_name);
            Py_DECREF(next);
            return nullptr;
        }
        if (PyList_GET_SIZE(next) == 0) {
            Py_DECREF(next);
            Py_CLEAR(it->fetch);
            return nullptr;
        }
        it->chunk = next;
        it->pos = 0;
    }
}

// Rows of the current list not yet returned.
PyObject* row_iterator_buffered(PyObject* self, void*) {
    auto* it = reinterpret_cast<RowIterator*>(self);
    return PyLong_FromSsize_t(it->chunk ? PyList_GET_SIZE(it->chunk) - it->pos : 0);
}

int row_iterator_traverse(PyObject* self, visitproc visit, void* arg) {
    auto* it = reinterpret_cast<RowIterator*>(self);
    Py_VISIT(it->fetch);
    Py_VISIT(it->chunk);
    Py_VISIT(Py_TYPE(self));  // a heap type
    return 0;
}

int row_iterator_clear(PyObject* self) {
    auto* it = reinterpret_cast<RowIterator*>(self);
    Py_CLEAR(it->fetch);
    Py_CLEAR(it->chunk);
    return 0;
}

void row_iterator_dealloc(PyObject* self) {
    PyTypeObject* type = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    row_iterator_clear(self);
    type->tp_free(self);
    Py_DECREF(type);
}

PyGetSetDef row_iterator_getset[] = {
    {"buffered", row_iterator_buffered, nullptr, "Rows of the current list not yet returned.", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

PyType_Slot row_iterator_slots[] = {
    {Py_tp_doc, const_cast<char*>("RowIterator(fetch): the rows of the lists fetch() returns, until an empty "
                                  "list. fetch's exceptions pass through; after the end it is not called again.")},
    {Py_tp_init, reinterpret_cast<void*>(row_iterator_init)},
    {Py_tp_new, reinterpret_cast<void*>(PyType_GenericNew)},
    {Py_tp_iter, reinterpret_cast<void*>(PyObject_SelfIter)},
    {Py_tp_iternext, reinterpret_cast<void*>(row_iterator_next)},
    {Py_tp_traverse, reinterpret_cast<void*>(row_iterator_traverse)},
    {Py_tp_clear, reinterpret_cast<void*>(row_iterator_clear)},
    {Py_tp_dealloc, reinterpret_cast<void*>(row_iterator_dealloc)},
    {Py_tp_getset, row_iterator_getset},
    {0, nullptr},
};

PyType_Spec row_iterator_spec = {
    "taoslink._taoslink.RowIterator",
    sizeof(RowIterator),
    0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    row_iterator_slots,
};

}  // namespace

void register_row_iterator(py::module_& m) {
    PyObject* type = PyType_FromSpec(&row_iterator_spec);
    if (!type) throw py::error_already_set();
    m.add_object("RowIterator", py::reinterpret_steal<py::object>(type));
}

}  // namespace taoslink_py
