"""Writing the user's files: atomically, and readable by the user only.

Everything the tool keeps (recordings, transcripts, drafts, settings) goes
through ``write_private``: a temporary file beside the target, mode 0600 from
the start, flushed to disk, then renamed over the target. A crash leaves the
old file or the new one, never half of one.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def write_private(path: Path, data: bytes) -> Path:
    """Replace ``path`` with ``data`` atomically, mode 0600.

    Only a regular file is replaced: the rename would put a file in place of a device or a
    pipe (``--out /dev/stdout``), and as root even of ``/dev/null``."""
    if path.exists() and not path.is_file():
        raise OSError(errno.EEXIST, "it is not a regular file (a device, a pipe or a folder)", str(path))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
