"""Which libraries a command's processes import: a sitecustomize put first on the command's PYTHONPATH
notes them, so a test can tell that a run started no worker host (spaCy, scikit-learn) or no Prefect."""

from __future__ import annotations

import os
from pathlib import Path

# Put first on the PYTHONPATH of the command: every Python process it starts (the command, the host
# template that worker hosts are forked from) notes in CITSEC_TEST_IMPORTS each library named in
# CITSEC_TEST_WATCH that it imports, and the template notes its start, which a first worker host asks for
# (as it starts: a template the command closes soon after may not get as far as spaCy).
IMPORT_RECORDER = """
import os, sys

def _note(what):
    with open(os.environ["CITSEC_TEST_IMPORTS"], "a") as log:
        log.write(f"{os.getpid()} {what}\\n")

class _Record:
    def find_spec(self, name, path=None, target=None):
        if name in os.environ["CITSEC_TEST_WATCH"].split(","):
            _note(name)
        return None

if "template_main()" in " ".join(sys.orig_argv):
    _note("worker host")
sys.meta_path.insert(0, _Record())
"""


def watching_imports(tmp_path: Path, names: tuple[str, ...], **env: str) -> tuple[dict[str, str], Path]:
    """The environment of a command whose processes note each import of `names` (with `env` on top of
    this one's), and the file they note them in."""
    recorder = tmp_path / "recorder"
    recorder.mkdir(exist_ok=True)
    (recorder / "sitecustomize.py").write_text(IMPORT_RECORDER)
    imports = tmp_path / "imports.log"
    imports.touch()
    environ = {**os.environ, **env}
    environ["PYTHONPATH"] = os.pathsep.join([str(recorder), environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    environ["CITSEC_TEST_IMPORTS"], environ["CITSEC_TEST_WATCH"] = str(imports), ",".join(names)
    return environ, imports


def summary_lines(stdout: str) -> dict[str, str]:
    """citsec ingest's summary: {"new": "0", "unchanged": "2", ...}."""
    return dict(line.split(maxsplit=1) for line in stdout.strip().splitlines())
