"""_taoslink.RowIterator: the C-level iterator behind taosws's TaosResult rows."""

from __future__ import annotations

import gc
import weakref

import pytest

from taoslink import _taoslink


def feeder(*chunks):
    calls = []
    pending = list(chunks)

    def fetch():
        calls.append(1)
        item = pending.pop(0) if pending else pytest.fail("fetch() called after the end")
        if isinstance(item, BaseException):
            raise item
        return item
    return fetch, calls


def test_rows_of_every_list_until_an_empty_one():
    fetch, calls = feeder([(1,), (2,)], [(3,)], [], [(99,)])
    it = _taoslink.RowIterator(fetch)
    assert iter(it) is it
    assert it.buffered == 0
    assert next(it) == (1,)
    assert it.buffered == 1
    assert list(it) == [(2,), (3,)]
    assert len(calls) == 3            # the list after the empty one is never asked for
    assert list(it) == [] and next(it, None) is None
    assert len(calls) == 3


def test_fetch_errors_pass_through_and_iteration_can_go_on():
    fetch, _ = feeder([(1,)], KeyError("lost"), [(2,)], [])
    it = _taoslink.RowIterator(fetch)
    assert next(it) == (1,)
    with pytest.raises(KeyError, match="lost"):
        next(it)
    assert list(it) == [(2,)]


def test_bad_arguments_are_type_errors():
    with pytest.raises(TypeError, match="callable"):
        _taoslink.RowIterator(5)
    it = _taoslink.RowIterator(lambda: (1, 2))
    with pytest.raises(TypeError, match="must return a list, not tuple"):
        next(it)


def test_a_cycle_through_the_fetch_function_is_collected():
    class Owner:
        pass

    owner = Owner()
    owner.rows = _taoslink.RowIterator(lambda: owner and [])   # owner -> iterator -> lambda -> owner
    ref = weakref.ref(owner)
    del owner
    gc.collect()
    assert ref() is None
