"""Files replaced whole: a crash at any moment leaves the old file or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def replace_atomically(target: Path, write: Callable[[str], None]) -> None:
    """Have ``write`` fill a temporary file beside ``target``, flush it to disk, rename it over
    ``target`` and flush the folder too (the rename is data as well). The temporary file is gone
    afterwards, whether ``write`` succeeded or not."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
    os.close(handle)
    try:
        write(tmp)
        with open(tmp, "rb") as written:
            os.fsync(written.fileno())
        os.replace(tmp, target)
        _sync_folder(target.parent)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _sync_folder(folder: Path) -> None:
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:  # a platform without folder handles
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
