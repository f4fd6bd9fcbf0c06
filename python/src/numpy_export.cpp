// Result -> numpy: one array per column for the whole rest of a result, allocated once (the total
// rows are known after the blocks are read) and filled with the GIL released. Numeric, BOOL and
// TIMESTAMP columns are copied as bytes (no Python object per value); the other types become
// object arrays converted exactly as the row fetches convert them.
//
// A column with NULLs also gets a mask (one bool per row, True = NULL); the values under it are
// NaN for FLOAT/DOUBLE, NaT for TIMESTAMP, 0/False for integers and BOOL, None for objects.
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/numpy.h>

#include <taoslink/types.hpp>

#include "column_bits.hpp"
#include "numpy_export.hpp"

namespace taoslink_py {

using taoslink::TypeCode;

namespace {

using Blocks = std::vector<std::pair<std::shared_ptr<const taoslink::Block>, std::size_t>>;

// The numpy dtype of a column copied as bytes; empty for object columns.
std::string numpy_dtype(TypeCode t, taoslink::Precision p) {
    switch (t) {
        case TypeCode::Bool: return "bool";
        case TypeCode::TinyInt: return "int8";
        case TypeCode::SmallInt: return "int16";
        case TypeCode::Int: return "int32";
        case TypeCode::BigInt: return "int64";
        case TypeCode::UTinyInt: return "uint8";
        case TypeCode::USmallInt: return "uint16";
        case TypeCode::UInt: return "uint32";
        case TypeCode::UBigInt: return "uint64";
        case TypeCode::Float: return "float32";
        case TypeCode::Double: return "float64";
        case TypeCode::Timestamp: return std::string("datetime64[") + std::string(taoslink::precision_name(p)) + "]";
        default: return "";
    }
}

struct Buffer {
    std::unique_ptr<std::uint8_t[]> bytes;
    std::size_t size = 0;
};

Buffer make_buffer(std::size_t n) {
    Buffer b;
    b.bytes.reset(new std::uint8_t[n ? n : 1]);
    b.size = n;
    return b;
}

// numpy takes ownership of the buffer through a capsule that frees it with the array.
py::array wrap(Buffer&& b, const std::string& dtype, std::size_t rows, std::size_t itemsize) {
    std::uint8_t* p = b.bytes.release();
    py::capsule owner(p, [](void* q) { delete[] static_cast<std::uint8_t*>(q); });
    return py::array(py::dtype::from_args(py::str(dtype)), {static_cast<py::ssize_t>(rows)},
                     {static_cast<py::ssize_t>(itemsize)}, p, owner);
}

template <class T>
void fill_nulls(std::uint8_t* data, const std::uint8_t* mask, std::size_t n, T value) {
    for (std::size_t i = 0; i < n; ++i)
        if (mask[i]) std::memcpy(data + i * sizeof(T), &value, sizeof(T));
}

// One fixed-width column: values and (when it has NULLs) the mask, filled without the GIL.
struct FixedColumn {
    Buffer values;
    Buffer mask;  // empty: no NULL
};

FixedColumn copy_fixed(const Blocks& blocks, std::size_t c, TypeCode t, std::size_t rows) {
    const auto size = static_cast<std::size_t>(taoslink::fixed_size(t));
    FixedColumn out;
    out.values = make_buffer(rows * size);
    bool nulls = false;
    std::size_t at = 0;
    for (const auto& [block, begin] : blocks) {
        const auto& col = block->column(c);
        const std::size_t n = block->rows() - begin;
        std::uint8_t* dst = out.values.bytes.get() + at * size;
        if (t == TypeCode::Bool) {
            for (std::size_t i = 0; i < n; ++i) dst[i] = col.get<std::uint8_t>(begin + i) != 0;
        } else if (n) {
            std::memcpy(dst, col.fixed_data() + begin * size, n * size);
        }
        nulls = nulls || any_null(col, begin, block->rows());
        at += n;
    }
    if (!nulls) return out;
    out.mask = make_buffer(rows);
    at = 0;
    for (const auto& [block, begin] : blocks) {
        null_bytes(block->column(c), begin, block->rows(), out.mask.bytes.get() + at);
        at += block->rows() - begin;
    }
    std::uint8_t* v = out.values.bytes.get();
    const std::uint8_t* m = out.mask.bytes.get();
    switch (t) {
        case TypeCode::Float: fill_nulls(v, m, rows, std::numeric_limits<float>::quiet_NaN()); break;
        case TypeCode::Double: fill_nulls(v, m, rows, std::numeric_limits<double>::quiet_NaN()); break;
        case TypeCode::Timestamp: fill_nulls(v, m, rows, std::numeric_limits<std::int64_t>::min()); break;  // NaT
        default:
            for (std::size_t i = 0; i < rows; ++i)
                if (m[i]) std::memset(v + i * size, 0, size);
    }
    return out;
}

}  // namespace

py::list fetch_numpy(PyResult& result, const Converter& conv) {
    const taoslink::Fields& fields = result.field_list();
    const taoslink::Precision precision = result.precision();
    Blocks blocks = result.drain();
    std::size_t rows = 0;
    for (const auto& [block, begin] : blocks) rows += block->rows() - begin;

    std::vector<std::string> dtypes;
    std::vector<FixedColumn> fixed(fields.size());
    for (const auto& f : fields) dtypes.push_back(numpy_dtype(f.type, precision));
    {
        py::gil_scoped_release nogil;
        for (std::size_t c = 0; c < fields.size(); ++c)
            if (!dtypes[c].empty()) fixed[c] = copy_fixed(blocks, c, fields[c].type, rows);
    }

    py::list out;
    for (std::size_t c = 0; c < fields.size(); ++c) {
        py::object values, mask = py::none();
        if (!dtypes[c].empty()) {
            const bool has_mask = fixed[c].mask.bytes != nullptr;
            values = wrap(std::move(fixed[c].values), dtypes[c], rows,
                          static_cast<std::size_t>(taoslink::fixed_size(fields[c].type)));
            if (has_mask) mask = wrap(std::move(fixed[c].mask), "bool", rows, 1);
        } else {
            // numpy.empty: a writeable array whose slots hold None.
            py::array objects = py::module_::import("numpy").attr("empty")(rows, py::arg("dtype") = "object");
            auto** slots = static_cast<PyObject**>(objects.mutable_data());
            bool nulls = false;
            std::size_t at = 0;
            for (const auto& [block, begin] : blocks) {
                convert_into(block->column(c), precision, conv, begin, block->rows(), slots + at);
                nulls = nulls || any_null(block->column(c), begin, block->rows());
                at += block->rows() - begin;
            }
            if (nulls) {
                Buffer m = make_buffer(rows);
                at = 0;
                for (const auto& [block, begin] : blocks) {
                    null_bytes(block->column(c), begin, block->rows(), m.bytes.get() + at);
                    at += block->rows() - begin;
                }
                mask = wrap(std::move(m), "bool", rows, 1);
            }
            values = std::move(objects);
        }
        out.append(py::make_tuple(values, mask));
    }
    return out;
}

}  // namespace taoslink_py
