// TMQ consumer bindings over taoslink::open_consumer. poll() and every call that talks to the
// server run without the GIL; a long poll is cut into slices so Ctrl-C is seen between them.
#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/stl.h>

#include <taoslink/dispatcher.hpp>
#include <taoslink/error.hpp>

#include "bindings.hpp"
#include "convert.hpp"
#include "result.hpp"

namespace taoslink_py {
namespace {

/// One polled message; its blocks stay valid while the message is referenced.
struct PyMessage {
    std::shared_ptr<const taoslink::Message> msg;

    py::list fields() const {
        py::list out;
        for (const auto& f : msg->fields)
            out.append(py::make_tuple(f.name, static_cast<int>(f.type), f.length,
                                      static_cast<int>(f.decimal_precision), static_cast<int>(f.decimal_scale)));
        return out;
    }

    py::list blocks() const {
        py::list out;
        for (const auto& b : msg->blocks) out.append(py::cast(PyBlock{b, msg->precision, 0}));
        return out;
    }

    py::list rows(const Converter& conv) const {
        py::list out;
        for (const auto& b : msg->blocks) append_rows(out, *b, msg->precision, conv, 0, b->rows());
        return out;
    }

    std::size_t row_count() const {
        std::size_t n = 0;
        for (const auto& b : msg->blocks) n += b->rows();
        return n;
    }
};

class PyConsumer {
public:
    explicit PyConsumer(std::unique_ptr<taoslink::Consumer> c) : c_(std::move(c)) {}
    ~PyConsumer() {
        if (!c_) return;
        if (Py_IsInitialized() && PyGILState_Check()) {
            py::gil_scoped_release nogil;
            c_->close();
        } else {
            c_->close();
        }
    }

    void subscribe(const std::vector<std::string>& topics) {
        auto c = live();
        py::gil_scoped_release nogil;
        c->subscribe(topics);
    }

    void unsubscribe() {
        auto c = live();
        py::gil_scoped_release nogil;
        c->unsubscribe();
    }

    /// Waits up to `timeout_ms` (negative: forever) for a message; None when none arrived.
    std::optional<PyMessage> poll(std::int64_t timeout_ms) {
        auto c = live();
        using clock = std::chrono::steady_clock;
        constexpr std::int64_t slice_ms = 1000;
        const auto deadline = clock::now() + std::chrono::milliseconds(std::max<std::int64_t>(timeout_ms, 0));
        while (true) {
            std::int64_t wait = slice_ms;
            if (timeout_ms >= 0) {
                const auto left =
                    std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
                wait = std::clamp<std::int64_t>(left, 0, slice_ms);
            }
            std::optional<taoslink::Message> m;
            {
                py::gil_scoped_release nogil;
                m = c->poll(std::chrono::milliseconds(wait));
            }
            if (m) return PyMessage{std::make_shared<const taoslink::Message>(std::move(*m))};
            if (timeout_ms >= 0 && clock::now() >= deadline) return std::nullopt;
            if (PyErr_CheckSignals() != 0) throw py::error_already_set();
        }
    }

    void commit(std::optional<PyMessage> message) {
        auto c = live();
        py::gil_scoped_release nogil;
        c->commit(message ? message->msg.get() : nullptr);
    }

    void commit_offset(const std::string& topic, std::int32_t vgroup, std::int64_t offset) {
        auto c = live();
        py::gil_scoped_release nogil;
        c->commit_offset(topic, vgroup, offset);
    }

    void seek(const std::string& topic, std::int32_t vgroup, std::int64_t offset) {
        auto c = live();
        py::gil_scoped_release nogil;
        c->seek(topic, vgroup, offset);
    }

    py::list assignment() {
        auto c = live();
        std::vector<taoslink::TopicAssignment> a;
        {
            py::gil_scoped_release nogil;
            a = c->assignment();
        }
        py::list out;
        for (const auto& t : a) out.append(py::make_tuple(t.topic, t.vgroup_id, t.offset, t.begin, t.end));
        return out;
    }

    std::int64_t committed(const std::string& topic, std::int32_t vgroup) {
        auto c = live();
        py::gil_scoped_release nogil;
        return c->committed(topic, vgroup);
    }

    std::int64_t position(const std::string& topic, std::int32_t vgroup) {
        auto c = live();
        py::gil_scoped_release nogil;
        return c->position(topic, vgroup);
    }

    std::vector<std::string> list_topics() {
        auto c = live();
        py::gil_scoped_release nogil;
        return c->list_topics();
    }

    bool closed() const { return !c_; }

    void close() {
        if (!c_) return;
        std::shared_ptr<taoslink::Consumer> c = std::move(c_);
        py::gil_scoped_release nogil;
        c->close();
    }

private:
    std::shared_ptr<taoslink::Consumer> live() const {
        if (!c_) throw taoslink::UsageError(taoslink::code::InvalidOperation, "the consumer is closed");
        return c_;
    }

    std::shared_ptr<taoslink::Consumer> c_;
};

std::unique_ptr<PyConsumer> open(const std::string& dsn, const std::map<std::string, std::string>& config) {
    std::unique_ptr<taoslink::Consumer> c;
    {
        py::gil_scoped_release nogil;
        c = taoslink::open_consumer(taoslink::parse_dsn(dsn), config);
    }
    return std::make_unique<PyConsumer>(std::move(c));
}

}  // namespace

void register_consumer(py::module_& m) {
    py::class_<PyMessage>(m, "Message", "One TMQ message: where it came from and the blocks it carries.")
        .def_property_readonly("topic", [](const PyMessage& p) { return p.msg->topic; })
        .def_property_readonly("database", [](const PyMessage& p) { return p.msg->database; })
        .def_property_readonly("vgroup", [](const PyMessage& p) { return p.msg->vgroup_id; })
        .def_property_readonly("offset", [](const PyMessage& p) { return p.msg->offset; })
        .def_property_readonly("type", [](const PyMessage& p) { return p.msg->type; }, "1 data, 2 meta, 3 meta+data.")
        .def_property_readonly("precision", [](const PyMessage& p) { return static_cast<int>(p.msg->precision); })
        .def_property_readonly("fields", &PyMessage::fields,
                               "List of (name, type_code, length, decimal_precision, decimal_scale).")
        .def_property_readonly("table_names", [](const PyMessage& p) { return p.msg->table_names; })
        .def_property_readonly("row_count", &PyMessage::row_count)
        .def("blocks", &PyMessage::blocks, "The blocks, each a Block.")
        .def("rows", &PyMessage::rows, py::arg("converter") = Converter(), "Every row of every block.")
        .def("__repr__", [](const PyMessage& p) {
            return "<taoslink._taoslink.Message topic=" + p.msg->topic + " vgroup=" + std::to_string(p.msg->vgroup_id) +
                   " offset=" + std::to_string(p.msg->offset) + ">";
        });

    py::class_<PyConsumer>(m, "Consumer", "A TMQ consumer through a transport plugin.")
        .def("subscribe", &PyConsumer::subscribe, py::arg("topics"))
        .def("unsubscribe", &PyConsumer::unsubscribe)
        .def("poll", &PyConsumer::poll, py::arg("timeout_ms"),
             "Waits up to timeout_ms (negative: forever) for a Message; None when none arrived. Runs without "
             "the GIL; Ctrl-C is checked every second.")
        .def("commit", &PyConsumer::commit, py::arg("message") = py::none(),
             "Commits one message's offset, or (None) everything consumed so far.")
        .def("commit_offset", &PyConsumer::commit_offset, py::arg("topic"), py::arg("vgroup"), py::arg("offset"))
        .def("seek", &PyConsumer::seek, py::arg("topic"), py::arg("vgroup"), py::arg("offset"))
        .def("assignment", &PyConsumer::assignment, "List of (topic, vgroup, offset, begin, end).")
        .def("committed", &PyConsumer::committed, py::arg("topic"), py::arg("vgroup"))
        .def("position", &PyConsumer::position, py::arg("topic"), py::arg("vgroup"))
        .def("list_topics", &PyConsumer::list_topics)
        .def_property_readonly("closed", &PyConsumer::closed)
        .def("close", &PyConsumer::close, "Closes the consumer. Idempotent.");

    m.def("open_consumer", &open, py::arg("dsn"), py::arg("config"),
          "Opens a TMQ consumer for a DSN (its scheme picks the transport) with configuration keys "
          "(group.id, client.id, auto.offset.reset, ...).");
}

}  // namespace taoslink_py
