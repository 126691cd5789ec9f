"""citsec's temporary Prefect API: flows run against it are recorded there, a server that dies is a clear
error, and no server outlives the command that started it, even one killed with SIGKILL."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from orphans import outlives_killed_parent

from flows.prefect_api import ApiStartError, TemporaryApi, recorded_in


def test_a_flow_run_inside_settings_is_recorded_by_the_temporary_api() -> None:
    from prefect import flow
    from prefect.client.orchestration import get_client

    @flow(name="citsec-api-check")
    def tiny(x: int) -> int:
        return x + 1

    with TemporaryApi.start() as api, recorded_in(api, "unused"):
        assert tiny(1) == 2
        with get_client(sync_client=True) as client:
            assert str(client.api_url).rstrip("/") == api.url
            runs = client.read_flow_runs()
            assert "citsec-api-check" in {client.read_flow(r.flow_id).name for r in runs}
    assert api.process.poll() is not None  # leaving the block stopped the server


@pytest.fixture
def dead_api() -> Iterator[TemporaryApi]:
    """A temporary API whose server was killed (SIGKILL) right after it started."""
    with TemporaryApi.start() as api:
        api.process.kill()
        api.process.wait()
        yield api


def test_a_server_that_dies_is_an_error_carrying_its_output(dead_api: TemporaryApi) -> None:
    with pytest.raises(ApiStartError, match="exited with status -9"):
        dead_api.wait(timeout=10)


def test_recorded_in_a_dead_server_names_what_to_do_instead(dead_api: TemporaryApi) -> None:
    with (
        pytest.raises(ApiStartError, match=r"exited with status -9.*\(use a running server\)$"),
        recorded_in(dead_api, "use a running server"),
    ):
        pytest.fail("the block ran without a server")


def test_recorded_in_without_a_temporary_api_runs_the_block_as_it_is() -> None:
    ran = []
    with recorded_in(None, "unused"):
        ran.append(True)
    assert ran == [True]


CHILD = """
import sys, time
from flows.prefect_api import TemporaryApi
api = TemporaryApi.start()
print(api.process.pid, flush=True)
time.sleep(600)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="the parent-death signal is Linux's")
def test_the_server_does_not_outlive_a_killed_command() -> None:
    assert not outlives_killed_parent(CHILD, timeout=30), "the Prefect API server outlived its killed command"


def test_a_command_whose_temporary_api_cannot_start_gets_one_user_error_line(dead_api: TemporaryApi) -> None:
    from flows.cli.common import UserError, recorded_in_api

    with (
        pytest.raises(UserError, match=r"^the Prefect API server exited .*\(use --no-prefect\)$"),
        recorded_in_api(dead_api, "use --no-prefect"),
    ):
        pytest.fail("the block ran without a server")
