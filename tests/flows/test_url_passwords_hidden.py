"""A feed behind HTTP basic authentication: its password never shows in what citsec prints."""

from __future__ import annotations

import base64
import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from cli_runner import run_cli
from loopback import serving

from flows.redaction import hide_passwords

SECRET = "s3cr:et@2024"


class _Guarded(BaseHTTPRequestHandler):
    """Refuses a request without the reader's credentials; with them, the feed is gone (404)."""

    seen: list[str | None] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        _Guarded.seen.append(self.headers.get("Authorization"))
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_a_url_password_shows_nowhere(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # An ops review: "s3cret" showed in `sources add`, `sources list`, `reports` (address and error),
    # `runs --format json` and ingest's "failed:" line: on a shared store every analyst saw it.
    db = f"sqlite:///{tmp_path / 'c.db'}"
    with serving(_Guarded) as base:
        url = base.replace("http://", f"http://reader:{SECRET}@") + "/feed.xml"
        said = [run_cli(capsys, "sources", "add", "priv", url, "--db", db)]
        said.append(run_cli(capsys, "ingest", "priv", "--db", db, "--no-prefect"))
        for command in (["sources", "list"], ["reports"], ["runs"]):
            for fmt in ("table", "json", "csv"):
                said.append(run_cli(capsys, *command, "--db", db, "--format", fmt))
    basic = "Basic " + base64.b64encode(f"reader:{SECRET}".encode()).decode()
    assert _Guarded.seen and set(_Guarded.seen) == {basic}  # the password still goes where it is meant to
    assert said[1][0] == 1 and "failed: http://reader:***@127.0.0.1:" in said[1][2]
    assert said[0][1].startswith("added source priv (auto): http://reader:***@127.0.0.1:")
    for _code, out, err in said:
        assert "s3cr" not in out + err and "2024@" not in out + err
    reports = json.loads(said[6][1])  # reports --format json
    assert reports[0]["uri"] == url.replace(f":{SECRET}@", ":***@")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("https://ana:pw@host/feed.xml", "https://ana:***@host/feed.xml"),
        ("failed: http://ana:p@ss:w@host:8080/x.pdf: 404", "failed: http://ana:***@host:8080/x.pdf: 404"),
        ("http://host:8080/path@x and https://ana@host/y", "http://host:8080/path@x and https://ana@host/y"),
        ("two: http://a:1@h/x, https://b:2@k/y", "two: http://a:***@h/x, https://b:***@k/y"),
        ("no url here: a:b@c", "no url here: a:b@c"),
    ],
)
def test_hide_passwords(text: str, shown: str) -> None:
    assert hide_passwords(text) == shown


def test_a_line_keeps_its_colour_before_the_hidden_password() -> None:
    import io

    from rich.console import Console

    from flows.cli.common import _HiddenPasswords, flagged

    console = Console(file=io.StringIO(), force_terminal=True, color_system="standard")
    console.push_render_hook(_HiddenPasswords())  # type: ignore[arg-type]
    console.print(flagged("failed:", "yellow", "http://ana:pw@h/x.pdf: HTTP 404"), highlight=False)
    assert console.file.getvalue() == "\x1b[33mfailed:\x1b[0m http://ana:***@h/x.pdf: HTTP 404\n"  # type: ignore[attr-defined]
