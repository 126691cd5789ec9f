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
        if not child.is_running() or child.status() == psutil.STATUS_ZOMBIE:
            return False
        time.sleep(0.1)
    child.kill()
    return True
