"""The tests' loopback server keeps quiet about clients that hang up, and only about them: its handler
threads outlive their test, and a traceback they print lands in whichever test's output is captured then
(a CLI test failed on a proxy test's broken pipe)."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

import pytest
from loopback import LoopbackServer


@pytest.fixture
def server():
    running = LoopbackServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    yield running
    running.server_close()


@pytest.mark.parametrize("hang_up", [BrokenPipeError, ConnectionResetError])
def test_a_client_hanging_up_is_not_reported(server, capsys, hang_up):
    try:
        raise hang_up(32, "the client left")
    except OSError:
        server.handle_error(None, ("127.0.0.1", 40000))
    assert capsys.readouterr().err == ""


def test_a_handlers_own_mistake_is_reported(server, capsys):
    try:
        raise ValueError("a handler's own mistake")
    except ValueError:
        server.handle_error(None, ("127.0.0.1", 40000))
    err = capsys.readouterr().err
    assert "Traceback" in err and "a handler's own mistake" in err
