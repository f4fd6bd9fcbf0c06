"""Columnar fetches: the rest of a result straight into numpy arrays, a pandas DataFrame or Arrow,
without a Python object per value for numeric, BOOL and TIMESTAMP columns (docs/columnar.md).

numpy, pandas and pyarrow are optional: they are imported only when one of these methods runs,
which raises ``InterfaceError`` naming the missing package. The conversion itself runs in C++
(python/src/numpy_export.cpp, arrow_export.cpp) with the GIL released.

``ColumnarFetch`` is the mixin that gives a cursor ``fetchnumpy()``, ``fetch_df()``,
``fetch_arrow()``, ``fetch_record_batches()`` and ``__arrow_c_stream__()``. Rows a cursor
already buffered (read by ``fetchone()`` but not returned yet) are given back to the result
first, so they are neither lost nor repeated.
"""

from __future__ import annotations

import importlib
import re
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Tuple

from . import _taoslink
from .errors import InterfaceError, from_native

if TYPE_CHECKING:  # pragma: no cover
    import numpy
    import pandas
    import pyarrow

__all__ = ["ColumnarFetch", "require", "column_names"]

_INT_CODES = frozenset((2, 3, 4, 5, 11, 12, 13, 14))
_BOOL, _TIMESTAMP = 1, 9
_TEXT_CODES = frozenset((8, 10, 15))
_UNITS = {0: "ms", 1: "us", 2: "ns"}
_ARROW_ERROR = re.compile(r"taoslink (\w+) \[0x([0-9A-Fa-f]{4})\]: (.*)", re.S)


def require(package: str, feature: str) -> Any:
    """Imports ``package`` or raises InterfaceError saying ``feature`` needs it."""
    try:
        return importlib.import_module(package)
    except ImportError as e:
        raise InterfaceError("%s needs the %s package (pip install %s): %s"
                             % (feature, package, package, e)) from None


def column_names(fields: Sequence[Tuple[Any, ...]]) -> List[str]:
    """Result column names, a repeated name suffixed with ``:N`` (its position), as
    ``Cursor.fetch_columns()`` names them."""
    out: List[str] = []
    seen = set()
    for i, f in enumerate(fields):
        name = f[0] if f[0] not in seen else "%s:%d" % (f[0], i)
        seen.add(name)
        out.append(name)
    return out


class _NativeLike(Exception):
    """Carries an error that crossed pyarrow back into ``from_native``."""

    def __init__(self, kind: str, code: int, message: str) -> None:
        super().__init__(message)
        self.kind, self.code, self.message, self.http_status = kind, code, message, 0


def _translate_arrow(e: BaseException) -> BaseException:
    m = _ARROW_ERROR.search(str(e))
    if m is None:
        return e
    return from_native(_NativeLike(m.group(1), int(m.group(2), 16), m.group(3).strip()))


class _Stream:
    """Hands one Arrow C stream capsule to an Arrow consumer (``__arrow_c_stream__``), once."""

    def __init__(self, capsule: Any) -> None:
        self._capsule = capsule

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        capsule, self._capsule = self._capsule, None
        if capsule is None:
            raise InterfaceError("this Arrow stream has already been consumed")
        return capsule


def _localize(pd: Any, values: Any, tz: Optional[str]) -> Any:
    """Naive UTC datetime64 values as aware UTC (or in ``tz``; None: left naive)."""
    if tz is None:
        return values
    values = pd.DatetimeIndex(values).tz_localize("UTC")
    return values if str(tz).upper() == "UTC" else values.tz_convert(tz)


def _nullable_dtype(pd: Any) -> Callable[[Any], Any]:
    """pyarrow type -> pandas nullable dtype, for to_pandas(types_mapper=...)."""
    import pyarrow as pa

    table = {pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
             pa.int64(): pd.Int64Dtype(), pa.uint8(): pd.UInt8Dtype(), pa.uint16(): pd.UInt16Dtype(),
             pa.uint32(): pd.UInt32Dtype(), pa.uint64(): pd.UInt64Dtype(), pa.bool_(): pd.BooleanDtype()}
    return table.get


class ColumnarFetch:
    """Mixin for a cursor. The cursor provides ``_columnar_source()`` -> (live ``_taoslink.Result``,
    ``_taoslink.Converter`` for object columns, error translator) and the row buffer
    ``_buf``/``_pos`` of ``rowbuf.BufferedCursor``."""

    _buf: List[Any]
    _pos: int
    _columnar_fields: List[Tuple[Any, ...]] = []

    def _columnar_source(self) -> Tuple["_taoslink.Result", "_taoslink.Converter",
                                        Callable[[BaseException], BaseException]]:  # pragma: no cover
        raise NotImplementedError

    def _columnar_result(self) -> Tuple["_taoslink.Result", "_taoslink.Converter",
                                        Callable[[BaseException], BaseException]]:
        result, converter, translate = self._columnar_source()
        pending = len(self._buf) - self._pos
        if pending > 0:
            result.unfetch(pending)  # the buffered rows are the tail of the result's current block
        self._buf, self._pos = [], 0
        return result, converter, translate

    def _numpy_pairs(self) -> Tuple[List[Tuple[Any, Any]], List[Tuple[Any, ...]], int]:
        require("numpy", "fetchnumpy()")
        result, converter, translate = self._columnar_result()
        try:
            pairs = result.fetch_numpy(converter)
        except _taoslink.NativeError as e:
            raise translate(e) from None
        return pairs, result.fields, result.precision

    def fetchnumpy(self) -> Dict[str, Any]:
        """The remaining rows as ``{column name: numpy array}``. A column with NULLs is a
        ``numpy.ma.MaskedArray`` (mask True = NULL); numeric and BOOL columns have their own
        dtype, TIMESTAMP is ``datetime64[ms|us|ns]`` (UTC) by the result's precision, the other
        types are object arrays of the values ``fetchall()`` gives."""
        np = require("numpy", "fetchnumpy()")
        pairs, fields, _ = self._numpy_pairs()
        out: Dict[str, Any] = {}
        for name, (values, mask) in zip(column_names(fields), pairs):
            out[name] = values if mask is None else np.ma.MaskedArray(values, mask=mask)
        return out

    def fetch_df(self, tz: Optional[str] = "UTC") -> "pandas.DataFrame":
        """The remaining rows as a pandas DataFrame. Integer and BOOL columns with NULLs use
        pandas' nullable dtypes (``Int32``, ``boolean``, ...); FLOAT/DOUBLE NULLs are NaN;
        TIMESTAMP is ``datetime64[<precision>, UTC]`` (``tz=None``: naive UTC; another zone
        name: converted to it); VARCHAR/NCHAR/JSON are pandas' default string columns; other
        types are object columns (bytes, Decimal) as ``fetchall()`` gives them.

        A result with text columns goes through Arrow when pyarrow is installed (text never
        becomes a Python object per value on the way), others through numpy (the fastest for
        numbers). Both give the same dtypes."""
        pd = require("pandas", "fetch_df()")
        result = self._columnar_source()[0]
        if any(f[1] in _TEXT_CODES for f in result.fields):
            try:
                import pyarrow  # noqa: F401
            except ImportError:
                pass
            else:
                return self._df_from_arrow(pd, tz)
        return self._df_from_numpy(pd, tz)

    def _df_from_numpy(self, pd: Any, tz: Optional[str]) -> "pandas.DataFrame":
        pairs, fields, _ = self._numpy_pairs()
        data: Dict[str, Any] = {}
        for name, f, (values, mask) in zip(column_names(fields), fields, pairs):
            code = f[1]
            if mask is not None and code in _INT_CODES:
                values = pd.arrays.IntegerArray(values, mask)
            elif mask is not None and code == _BOOL:
                values = pd.arrays.BooleanArray(values, mask)
            data[name] = _localize(pd, values, tz) if code == _TIMESTAMP else values
        return pd.DataFrame(data, copy=False)

    def _df_from_arrow(self, pd: Any, tz: Optional[str]) -> "pandas.DataFrame":
        table = self.fetch_arrow()
        fields = self._columnar_fields
        data: Dict[str, Any] = {}
        for name, f, column in zip(column_names(fields), fields, table.columns):
            code = f[1]
            if code in _INT_CODES or code == _BOOL:
                mapper = _nullable_dtype(pd) if column.null_count else None
                data[name] = column.to_pandas(types_mapper=mapper)
            elif code == _TIMESTAMP:  # Arrow's timestamps are aware UTC already
                series = column.to_pandas()
                if tz is None:
                    series = series.dt.tz_localize(None)
                elif str(tz).upper() != "UTC":
                    series = series.dt.tz_convert(tz)
                data[name] = series
            else:
                data[name] = column.to_pandas()
        return pd.DataFrame(data, copy=False)

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The remaining rows as an Arrow C stream (the Arrow PyCapsule interface), one record
        batch per block; pyarrow reads it with ``pyarrow.RecordBatchReader.from_stream(cursor)``.
        ``requested_schema`` is ignored (the stream has TDengine's types; see docs/columnar.md)."""
        result, _, translate = self._columnar_result()
        self._columnar_fields = result.fields
        try:
            return result.arrow_stream()
        except _taoslink.NativeError as e:
            raise translate(e) from None

    def fetch_record_batches(self) -> "pyarrow.RecordBatchReader":
        """The remaining rows as a ``pyarrow.RecordBatchReader`` that reads them block by block
        (the cursor's result then belongs to the reader). An error while reading is pyarrow's
        (``OSError``), its message starting with taoslink's kind and code:
        ``taoslink ConnectionError [0x0018]: ...``."""
        pa = require("pyarrow", "fetch_record_batches()")
        return pa.RecordBatchReader.from_stream(_Stream(self.__arrow_c_stream__()))

    def fetch_arrow(self) -> "pyarrow.Table":
        """The remaining rows as a ``pyarrow.Table`` (one chunk per block). Types: see
        docs/columnar.md (TIMESTAMP is ``timestamp[<precision>, tz=UTC]``, DECIMAL decimal128)."""
        pa = require("pyarrow", "fetch_arrow()")
        reader = pa.RecordBatchReader.from_stream(_Stream(self.__arrow_c_stream__()))
        try:
            return reader.read_all()
        except (pa.ArrowException, OSError) as e:  # the stream's EIO arrives as OSError
            raise _translate_arrow(e) from None
