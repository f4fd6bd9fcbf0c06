// One internal Python exception for every C++ taoslink::Error: `_taoslink.NativeError`, with the
// attributes `kind` (the C++ class name: "ServerError", "TimeoutError", ...), `code` (TDengine's
// 16-bit code), `message` (without the "[0x....]" prefix) and `http_status` (0 when none).
// The pure-Python packages map it to their own classes, each in one table.
#include <exception>

#include <taoslink/error.hpp>

#include "bindings.hpp"

namespace taoslink_py {
namespace {

PyObject* g_native_error = nullptr;  // owned for the life of the process

const char* kind_of(const taoslink::Error& e) {
    // Most derived first.
    if (dynamic_cast<const taoslink::InterruptedError*>(&e)) return "InterruptedError";
    if (dynamic_cast<const taoslink::DsnError*>(&e)) return "DsnError";
    if (dynamic_cast<const taoslink::NotSupportedError*>(&e)) return "NotSupportedError";
    if (dynamic_cast<const taoslink::UsageError*>(&e)) return "UsageError";
    if (dynamic_cast<const taoslink::PluginError*>(&e)) return "PluginError";
    if (dynamic_cast<const taoslink::TimeoutError*>(&e)) return "TimeoutError";
    if (dynamic_cast<const taoslink::AuthError*>(&e)) return "AuthError";
    if (dynamic_cast<const taoslink::ConnectionError*>(&e)) return "ConnectionError";
    if (dynamic_cast<const taoslink::ProtocolError*>(&e)) return "ProtocolError";
    if (dynamic_cast<const taoslink::ServerError*>(&e)) return "ServerError";
    return "Error";
}

void set_native_error(const char* kind, int code, const std::string& message, int http_status) {
    PyObject* msg = PyUnicode_DecodeUTF8(message.data(), static_cast<Py_ssize_t>(message.size()), "replace");
    if (!msg) return;
    PyObject* exc = PyObject_CallOneArg(g_native_error, msg);
    if (!exc) {
        Py_DECREF(msg);
        return;
    }
    PyObject* kind_obj = PyUnicode_FromString(kind);
    PyObject* code_obj = PyLong_FromLong(code);
    PyObject* status_obj = PyLong_FromLong(http_status);
    if (kind_obj && code_obj && status_obj) {
        PyObject_SetAttrString(exc, "kind", kind_obj);
        PyObject_SetAttrString(exc, "code", code_obj);
        PyObject_SetAttrString(exc, "message", msg);
        PyObject_SetAttrString(exc, "http_status", status_obj);
    }
    Py_XDECREF(kind_obj);
    Py_XDECREF(code_obj);
    Py_XDECREF(status_obj);
    Py_DECREF(msg);
    PyErr_SetObject(g_native_error, exc);
    Py_DECREF(exc);
}

}  // namespace

void register_errors(py::module_& m) {
    g_native_error = PyErr_NewExceptionWithDoc(
        "taoslink._taoslink.NativeError",
        "An error raised by the C++ library. Attributes: kind (the C++ class name, e.g. \"ServerError\"), "
        "code (TDengine's 16-bit error code), message (the text without the code prefix), http_status "
        "(the HTTP status of the reply that carried it, 0 when none). Internal: the taoslink and "
        "taosrest packages translate it into their own exception classes.",
        PyExc_Exception, nullptr);
    if (!g_native_error) throw py::error_already_set();
    m.attr("NativeError") = py::handle(g_native_error);

    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const taoslink::Error& e) {
            set_native_error(kind_of(e), e.code(), e.message(), e.http_status());
        }
    });
}

}  // namespace taoslink_py
