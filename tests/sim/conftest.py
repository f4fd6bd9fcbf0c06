"""Fixtures the simulator's test modules share: a simulator served on a free port."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from taossim import App, start_in_thread  # noqa: E402


@pytest.fixture(scope="module")
def sim_app():
    """The module's simulator before it is served; a module overrides this fixture to
    configure it (test_sim.py sets a bearer token)."""
    return App()


@pytest.fixture(scope="module")
def server(sim_app):
    """``sim_app`` served on a free port for the module's tests."""
    srv = start_in_thread(sim_app)
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def app(sim_app, server):
    """The served simulator, ``.port`` its port (for tests that also drive its engine)."""
    sim_app.port = server.port
    return sim_app


@pytest.fixture()
def port(server):
    return server.port


@pytest.fixture()
def ws(port):
    """A /ws client logged in as root (``conn``), closed after the test."""
    from test_sim_ws import WsClient
    c = WsClient(port)
    r = c.json("conn", req_id=1, user="root", password="taosdata", db="")
    assert r["code"] == 0, r
    yield c
    c.close()
