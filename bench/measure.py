"""Run a command and measure it: wall seconds, CPU seconds of its whole process tree, peak RSS per process.

CPU time comes from getrusage(RUSAGE_CHILDREN) before and after (a worker's time rolls up into its parent
when the parent reaps it, so the figure covers the pool's worker processes too). Peak RSS is sampled with
psutil every 50 ms over the process tree, per process, so "per worker" figures are real per-process peaks.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from bench.common import REPO

CITSEC = [sys.executable, "-m", "flows.cli"] if not (Path(sys.executable).parent / "citsec").exists() else [
    str(Path(sys.executable).parent / "citsec")
]


@dataclass
class Measured:
    """One measured command."""

    wall: float
    cpu: float  # user + sys seconds of the command and every process it started and reaped
    peak_rss_mib: float  # the largest single process's peak (the "per worker" figure)
    peak_tree_mib: float  # the whole tree's peak at one sampling instant
    processes: int  # distinct processes seen in the tree
    returncode: int
    stdout: str
    stderr: str
    per_process_mib: dict[str, float] = field(default_factory=dict)
    per_process_cpu: dict[str, float] = field(default_factory=dict)  # last sampled user+sys per process

    def to_json(self) -> dict[str, Any]:
        return {
            "wall_s": round(self.wall, 2),
            "cpu_s": round(self.cpu, 2),
            "peak_rss_mib": round(self.peak_rss_mib, 1),
            "peak_tree_mib": round(self.peak_tree_mib, 1),
            "processes": self.processes,
            "per_process_peak_mib": self.per_process_mib,
            "per_process_cpu_s": self.per_process_cpu,
        }


def _forks_deep(proc: psutil.Process) -> int:
    """How many of `proc`'s ancestors run the same command line (0: the template itself)."""
    depth, command = 0, proc.cmdline()
    try:
        while (proc := proc.parent()) is not None and proc.cmdline() == command:
            depth += 1
    except psutil.Error:
        pass
    return depth


def _describe(proc: psutil.Process) -> str:
    try:
        cmd = proc.cmdline()
    except psutil.Error:
        return str(proc.pid)
    text = " ".join(cmd)
    if "template_main" in text:  # flows.host_template: the template, the hosts it forks, their workers
        return f"{proc.pid} {('host-template', 'host', 'worker')[min(_forks_deep(proc), 2)]}"
    if "multiprocessing" in text or "spawn_main" in text:
        return f"{proc.pid} worker"
    if "uvicorn" in text or "prefect" in text and "server" in text:
        return f"{proc.pid} prefect-server"
    return f"{proc.pid} {Path(cmd[1]).name if len(cmd) > 1 else cmd[0] if cmd else '?'}"


def run(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Measured:
    """Run `cmd` to completion and measure it (see the module docstring)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    child = subprocess.Popen(
        cmd,
        cwd=cwd or REPO,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peaks: dict[int, float] = {}
    cpus: dict[int, float] = {}
    names: dict[int, str] = {}
    tree_peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal tree_peak
        try:
            root = psutil.Process(child.pid)
        except psutil.Error:
            return
        while not done.is_set():
            total = 0.0
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            for proc in procs:
                try:
                    rss = proc.memory_info().rss / 2**20
                    times = proc.cpu_times()
                    cpus[proc.pid] = times.user + times.system
                except psutil.Error:
                    continue
                total += rss
                if proc.pid not in names:
                    names[proc.pid] = _describe(proc)
                peaks[proc.pid] = max(peaks.get(proc.pid, 0.0), rss)
            tree_peak = max(tree_peak, total)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = child.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # ru_maxrss (KiB on Linux) is the largest reaped descendant: a floor for the sampled peak.
    peak = max([*peaks.values(), after.ru_maxrss / 1024 if after.ru_maxrss > before.ru_maxrss else 0.0])
    return Measured(
        wall=wall,
        cpu=cpu,
        peak_rss_mib=peak,
        peak_tree_mib=tree_peak,
        processes=len(peaks),
        returncode=child.returncode,
        stdout=stdout,
        stderr=stderr,
        per_process_mib={names[pid]: round(mib, 1) for pid, mib in peaks.items() if mib > 50},
        per_process_cpu={names[pid]: round(cpu, 1) for pid, cpu in cpus.items() if cpu > 0.2},
    )


def citsec(*args: str, env: dict[str, str] | None = None) -> Measured:
    """Run the installed `citsec` command line and measure it; a failure stops the benchmark loudly."""
    measured = run([*CITSEC, *args], env=env)
    if measured.returncode != 0:
        tail = measured.stderr[-3000:]
        raise SystemExit(f"citsec {' '.join(args)} failed ({measured.returncode}):\n{tail}")
    return measured


def load_average() -> float:
    return round(os.getloadavg()[0], 1)
