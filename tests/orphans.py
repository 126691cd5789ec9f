"""Does a child process outlive its parent when the parent is killed with SIGKILL? Shared by the tests of the
processes citsec starts (the temporary Prefect API server, the worker host)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]


def outlives_killed_parent(script: str, timeout: float, settle: float = 0.0) -> bool:
    """Run `script` as a parent process (it starts a child and prints the child's pid), wait `settle`
    seconds, SIGKILL the parent; True if the child is still running `timeout` seconds later (it is then
    killed). The child must be running when its parent is killed."""
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = psutil.Process(int(parent.stdout.readline()))
    time.sleep(settle)
    assert child.is_running() and child.status() != psutil.STATUS_ZOMBIE
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(child):
            return False
        time.sleep(0.1)
    child.kill()
    return True


def _alive(process: psutil.Process) -> bool:
    """Running and no zombie; a process that ends between the two questions is gone (it raced the check
    once in a full run: NoSuchProcess from status() right after is_running() said yes)."""
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
