"""`python publish_until.py DIR FILE STEP`: add FILE to the revision store DIR, and kill
this process with SIGKILL when the publish reaches STEP (store/revisions.py STEPS).

A crash at a named point for tests/test_revisions_crash.py: a separate interpreter, since
a forked copy of a process that has used pyoxigraph can deadlock in its threads.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from servicegraph.store.revisions import RevisionStore


def main(directory: str, file: str, step: str) -> None:
    def kill_at(name: str) -> None:
        if name == step:
            os.kill(os.getpid(), signal.SIGKILL)

    store = RevisionStore(Path(directory))
    store.step = kill_at
    store.add(Path(file).read_bytes(), Path(file).name)


if __name__ == "__main__":
    main(*sys.argv[1:])
