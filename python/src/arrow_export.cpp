// Blocks -> Arrow C Data Interface arrays, and the ArrowArrayStream over a result.
// See arrow_export.hpp for the type mapping.
#include "arrow_export.hpp"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <taoslink/error.hpp>

#include "column_bits.hpp"

namespace taoslink_py {

using taoslink::ColumnView;
using taoslink::Field;
using taoslink::TypeCode;

namespace {

// --- schema -------------------------------------------------------------------------------------

std::string arrow_format(const Field& f, taoslink::Precision precision) {
    switch (f.type) {
        case TypeCode::Null: return "n";
        case TypeCode::Bool: return "b";
        case TypeCode::TinyInt: return "c";
        case TypeCode::SmallInt: return "s";
        case TypeCode::Int: return "i";
        case TypeCode::BigInt: return "l";
        case TypeCode::UTinyInt: return "C";
        case TypeCode::USmallInt: return "S";
        case TypeCode::UInt: return "I";
        case TypeCode::UBigInt: return "L";
        case TypeCode::Float: return "f";
        case TypeCode::Double: return "g";
        case TypeCode::Timestamp:
            return precision == taoslink::Precision::Milli   ? "tsm:UTC"
                   : precision == taoslink::Precision::Micro ? "tsu:UTC"
                                                             : "tsn:UTC";
        case TypeCode::VarChar:
        case TypeCode::NChar:
        case TypeCode::Json: return "u";
        case TypeCode::Decimal:
        case TypeCode::Decimal64: {
            // An unknown precision (0) gets the widest the storage holds.
            int p = f.decimal_precision ? f.decimal_precision : (f.type == TypeCode::Decimal ? 38 : 18);
            return "d:" + std::to_string(p) + "," + std::to_string(f.decimal_scale);
        }
        default: return "z";  // VARBINARY, GEOMETRY (WKB), BLOB
    }
}

struct SchemaData {
    std::string format;
    std::string name;
    std::vector<ArrowSchema> kids;
    std::vector<ArrowSchema*> kid_ptrs;
};

void release_schema(ArrowSchema* s) {
    if (!s || !s->release) return;
    auto* d = static_cast<SchemaData*>(s->private_data);
    for (ArrowSchema* k : d->kid_ptrs)
        if (k->release) k->release(k);  // children the consumer moved out have release == nullptr
    delete d;
    s->release = nullptr;
}

void fill_schema(ArrowSchema* s, std::string format, std::string name, std::int64_t flags) {
    auto* d = new SchemaData{std::move(format), std::move(name), {}, {}};
    s->format = d->format.c_str();
    s->name = d->name.c_str();
    s->metadata = nullptr;
    s->flags = flags;
    s->n_children = 0;
    s->children = nullptr;
    s->dictionary = nullptr;
    s->release = release_schema;
    s->private_data = d;
}

// --- arrays -------------------------------------------------------------------------------------

// Buffers of one column array, owned by the array (released by its own callback).
struct ColumnData {
    std::unique_ptr<std::uint8_t[]> owned[3];
    const void* buffers[3] = {nullptr, nullptr, nullptr};

    std::uint8_t* alloc(int i, std::size_t bytes) {
        owned[i].reset(new std::uint8_t[bytes ? bytes : 1]);
        buffers[i] = owned[i].get();
        return owned[i].get();
    }
};

void release_column(ArrowArray* a) {
    if (!a || !a->release) return;
    delete static_cast<ColumnData*>(a->private_data);
    a->release = nullptr;
}

struct BatchData {
    std::vector<ArrowArray> kids;
    std::vector<ArrowArray*> kid_ptrs;
    const void* buffers[1] = {nullptr};  // a struct's validity: none (no NULL rows)
};

void release_batch(ArrowArray* a) {
    if (!a || !a->release) return;
    auto* d = static_cast<BatchData*>(a->private_data);
    for (ArrowArray* k : d->kid_ptrs)
        if (k->release) k->release(k);
    delete d;
    a->release = nullptr;
}

[[noreturn]] void bad_text(const Field& f, std::size_t row, const char* what) {
    throw taoslink::Error(taoslink::code::InvalidPara,
                          "column '" + f.name + "' (" + std::string(taoslink::type_name(f.type)) + "), row " +
                              std::to_string(row) + ": " + what +
                              "; Arrow's utf8 type cannot hold it (cast the column to VARBINARY in the query, or "
                              "use fetchnumpy(), which returns such values as bytes)");
}

void export_var(const Field& f, const ColumnView& col, std::size_t begin, std::size_t end, ColumnData& d) {
    const std::size_t n = end - begin;
    std::size_t total = 0;
    for (std::size_t r = begin; r < end; ++r) total += col.bytes(r).size();
    if (total > static_cast<std::size_t>(INT32_MAX))
        throw taoslink::Error(taoslink::code::InvalidPara,
                              "column '" + f.name + "': a block holds more than 2 GiB of values");
    auto* offsets = reinterpret_cast<std::int32_t*>(d.alloc(1, (n + 1) * sizeof(std::int32_t)));
    std::uint8_t* data = d.alloc(2, total);
    const bool text = f.type == TypeCode::VarChar || f.type == TypeCode::NChar || f.type == TypeCode::Json;
    const bool ucs4 = f.type == TypeCode::NChar && col.text_encoding() == taoslink::TextEncoding::Ucs4;
    std::size_t at = 0;
    offsets[0] = 0;
    for (std::size_t r = begin; r < end; ++r) {
        const std::string_view v = col.bytes(r);  // empty for NULL
        const auto* p = reinterpret_cast<const std::uint8_t*>(v.data());
        if (ucs4) {
            const long w = ucs4_to_utf8(p, v.size(), data + at);
            if (w < 0) bad_text(f, r - begin, "the value is not valid UCS-4 text");
            at += static_cast<std::size_t>(w);
        } else {
            if (text && !valid_utf8(p, v.size())) bad_text(f, r - begin, "the value is not valid UTF-8");
            if (!v.empty()) std::memcpy(data + at, p, v.size());
            at += v.size();
        }
        offsets[r - begin + 1] = static_cast<std::int32_t>(at);
    }
}

void export_fixed(const Field& f, const ColumnView& col, std::size_t begin, std::size_t end, ColumnData& d) {
    const std::size_t n = end - begin;
    switch (f.type) {
        case TypeCode::Bool: {
            std::uint8_t* bits = d.alloc(1, (n + 7) / 8);
            std::memset(bits, 0, (n + 7) / 8);
            for (std::size_t i = 0; i < n; ++i)
                if (col.get<std::uint8_t>(begin + i)) bits[i >> 3] = static_cast<std::uint8_t>(bits[i >> 3] | (1u << (i & 7)));
            return;
        }
        case TypeCode::Decimal64: {
            // decimal128: the 64-bit unscaled value sign-extended to 128 bits (little-endian).
            auto* out = reinterpret_cast<std::int64_t*>(d.alloc(1, n * 16));
            for (std::size_t i = 0; i < n; ++i) {
                const auto v = col.get<std::int64_t>(begin + i);
                out[2 * i] = v;
                out[2 * i + 1] = v < 0 ? -1 : 0;
            }
            return;
        }
        default: {
            const auto size = static_cast<std::size_t>(taoslink::fixed_size(f.type));
            std::uint8_t* out = d.alloc(1, n * size);
            if (n) std::memcpy(out, col.fixed_data() + begin * size, n * size);
            return;
        }
    }
}

void export_column(const Field& f, const ColumnView& col, std::size_t begin, std::size_t end, ArrowArray* a) {
    auto d = std::make_unique<ColumnData>();
    const std::size_t n = end - begin;
    a->length = static_cast<std::int64_t>(n);
    a->offset = 0;
    a->n_children = 0;
    a->children = nullptr;
    a->dictionary = nullptr;
    if (f.type == TypeCode::Null) {
        a->null_count = a->length;
        a->n_buffers = 0;
    } else {
        std::size_t nulls = 0;
        if (any_null(col, begin, end)) nulls = validity_bitmap(col, begin, end, d->alloc(0, (n + 7) / 8));
        a->null_count = static_cast<std::int64_t>(nulls);
        if (col.is_var()) {
            a->n_buffers = 3;
            export_var(f, col, begin, end, *d);
        } else {
            a->n_buffers = 2;
            export_fixed(f, col, begin, end, *d);
        }
    }
    a->buffers = d->buffers;
    a->private_data = d.release();
    a->release = release_column;
}

// --- the stream ---------------------------------------------------------------------------------

struct StreamData {
    taoslink::Fields fields;
    taoslink::Precision precision;
    std::shared_ptr<const taoslink::Block> first;
    std::size_t begin = 0;
    std::shared_ptr<BlockFeed> feed;
    std::string last_error;
    bool settled = false;  // DECIMAL scales known
};

// Errors keep taoslink's kind and code in a fixed form that taoslink.columnar parses back.
std::string describe_error(const taoslink::Error& e) {
    const char* kind = dynamic_cast<const taoslink::ConnectionError*>(&e) ? "ConnectionError"
                       : dynamic_cast<const taoslink::ServerError*>(&e)   ? "ServerError"
                       : dynamic_cast<const taoslink::ProtocolError*>(&e) ? "ProtocolError"
                                                                          : "Error";
    char head[64];
    std::snprintf(head, sizeof head, "taoslink %s [0x%04X]: ", kind, static_cast<unsigned>(e.code() & 0xFFFF));
    return head + e.message();
}

// Some transports (taosc) give a DECIMAL's scale only in the blocks: read it from the first one
// before the schema is made, since every batch must match the schema.
void settle_decimal_scales(StreamData& d) {
    if (d.settled) return;
    d.settled = true;
    bool unknown = false;
    for (const auto& f : d.fields)
        unknown = unknown || ((f.type == TypeCode::Decimal || f.type == TypeCode::Decimal64) && f.decimal_precision == 0);
    if (!unknown) return;
    while (!d.first && d.feed) {
        BlockFeed::Guard busy(*d.feed);
        d.first = d.feed->next();
        d.begin = 0;
        if (!d.first) d.feed.reset();
    }
    if (!d.first || d.first->columns() != d.fields.size()) return;
    for (std::size_t i = 0; i < d.fields.size(); ++i) {
        auto& f = d.fields[i];
        if ((f.type == TypeCode::Decimal || f.type == TypeCode::Decimal64) && f.decimal_precision == 0)
            f.decimal_scale = d.first->column(i).decimal_scale();
    }
}

int stream_schema(ArrowArrayStream* s, ArrowSchema* out) {
    auto* d = static_cast<StreamData*>(s->private_data);
    try {
        settle_decimal_scales(*d);
        export_schema(d->fields, d->precision, out);
        return 0;
    } catch (const taoslink::Error& e) {
        d->last_error = describe_error(e);
        return EIO;
    } catch (const std::exception& e) {
        d->last_error = e.what();
        return ENOMEM;
    }
}

int stream_next(ArrowArrayStream* s, ArrowArray* out) {
    auto* d = static_cast<StreamData*>(s->private_data);
    try {
        settle_decimal_scales(*d);
        std::shared_ptr<const taoslink::Block> block;
        std::size_t begin = 0;
        if (d->first) {
            block = std::move(d->first);
            begin = d->begin;
        }
        while (!block && d->feed) {
            BlockFeed::Guard busy(*d->feed);
            block = d->feed->next();
            if (!block) {
                d->feed.reset();
            } else if (block->rows() == 0) {
                block.reset();
            }
        }
        if (!block) {
            out->release = nullptr;  // the end of the stream
            return 0;
        }
        export_block(d->fields, *block, begin, out);
        if (d->feed) d->feed->delivered += block->rows() - begin;
        return 0;
    } catch (const taoslink::Error& e) {
        d->last_error = describe_error(e);
        return EIO;
    } catch (const std::exception& e) {
        d->last_error = e.what();
        return EIO;
    }
}

const char* stream_error(ArrowArrayStream* s) {
    auto* d = static_cast<StreamData*>(s->private_data);
    return d->last_error.empty() ? nullptr : d->last_error.c_str();
}

void stream_release(ArrowArrayStream* s) {
    if (!s || !s->release) return;
    auto* d = static_cast<StreamData*>(s->private_data);
    // Closing the feed may wait on the network: never hold the GIL meanwhile.
    if (Py_IsInitialized() && PyGILState_Check()) {
        py::gil_scoped_release nogil;
        delete d;
    } else {
        delete d;
    }
    s->release = nullptr;
}

}  // namespace

void export_schema(const taoslink::Fields& fields, taoslink::Precision precision, ArrowSchema* out) {
    fill_schema(out, "+s", "", 0);
    auto* d = static_cast<SchemaData*>(out->private_data);
    d->kids.resize(fields.size());
    d->kid_ptrs.resize(fields.size());
    for (std::size_t i = 0; i < fields.size(); ++i) {
        fill_schema(&d->kids[i], arrow_format(fields[i], precision), fields[i].name, ARROW_FLAG_NULLABLE);
        d->kid_ptrs[i] = &d->kids[i];
    }
    out->n_children = static_cast<std::int64_t>(fields.size());
    out->children = d->kid_ptrs.data();
}

void export_block(const taoslink::Fields& fields, const taoslink::Block& block, std::size_t begin, ArrowArray* out) {
    if (block.columns() != fields.size())
        throw taoslink::ProtocolError("a block has " + std::to_string(block.columns()) + " columns, the result " +
                                      std::to_string(fields.size()));
    auto d = std::make_unique<BatchData>();
    d->kids.resize(fields.size());
    d->kid_ptrs.resize(fields.size());
    for (auto& k : d->kids) k.release = nullptr;
    try {
        for (std::size_t i = 0; i < fields.size(); ++i) {
            export_column(fields[i], block.column(i), begin, block.rows(), &d->kids[i]);
            d->kid_ptrs[i] = &d->kids[i];
        }
    } catch (...) {
        for (auto& k : d->kids)
            if (k.release) k.release(&k);
        throw;
    }
    out->length = static_cast<std::int64_t>(block.rows() - begin);
    out->null_count = 0;
    out->offset = 0;
    out->n_buffers = 1;
    out->n_children = static_cast<std::int64_t>(fields.size());
    out->buffers = d->buffers;
    out->children = d->kid_ptrs.data();
    out->dictionary = nullptr;
    out->release = release_batch;
    out->private_data = d.release();
}

py::capsule make_arrow_stream(const taoslink::Fields& fields, taoslink::Precision precision,
                              std::shared_ptr<const taoslink::Block> first, std::size_t begin,
                              std::shared_ptr<BlockFeed> feed) {
    auto* d = new StreamData{fields, precision, std::move(first), begin, std::move(feed), {}, false};
    auto* s = new ArrowArrayStream{stream_schema, stream_next, stream_error, stream_release, d};
    // The consumer moves the stream out (setting release to null); otherwise release it here.
    return py::capsule(s, "arrow_array_stream", [](PyObject* cap) {
        auto* st = static_cast<ArrowArrayStream*>(PyCapsule_GetPointer(cap, "arrow_array_stream"));
        if (!st) {
            PyErr_Clear();
            return;
        }
        if (st->release) st->release(st);
        delete st;
    });
}

}  // namespace taoslink_py
