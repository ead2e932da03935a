"""Files the HMI writes that hold what not every local user may read: the store (password
hashes, the audit trail) and exports of it. Private to the account that runs the HMI."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def make_private_dir(path: Path, *, holds: str) -> None:
    """Create `path` as a private directory, or make an existing one private if it is the
    HMI's own (it holds `holds`, or nothing). A directory shared with other things (someone
    pointed --data-dir at /tmp or their home) keeps its mode, with a warning."""
    path = Path(path)
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    if os.name != "posix":
        return
    mode = path.stat().st_mode & 0o777
    if mode == PRIVATE_DIR:
        return
    own = (path / holds).exists() or not any(path.iterdir())
    if own:
        path.chmod(PRIVATE_DIR)
    else:
        log.warning("data directory %s is shared (mode %o): its files stay private", path, mode)


def make_private(path: Path) -> None:
    """Create `path` empty with mode 0600 if missing, else set 0600 (POSIX; no-op elsewhere).

    An existing file is never opened: closing any descriptor of a file releases every POSIX
    lock this process holds on it, and SQLite's connections to it hold theirs (a store file,
    its -shm). Another process then takes SQLite's first-user lock and truncates the -shm
    under our mapping: SIGBUS."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        pass
    else:
        os.close(fd)  # a file created just now: nobody holds a lock on it yet
    if os.name == "posix":
        os.chmod(path, PRIVATE_FILE)


def open_private(path: Path, **kwargs: Any) -> IO[Any]:
    """Open `path` for writing text (truncating) with mode 0600 from the moment it exists."""
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    if os.name == "posix":
        os.chmod(path, PRIVATE_FILE)  # an existing file keeps its mode through O_CREAT
    return os.fdopen(fd, "w", **kwargs)
