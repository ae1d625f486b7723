"""The user's files: written atomically and readable by the user only; read as editors save them.

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
    pipe (``--out /dev/stdout``), and as root even of ``/dev/null``. A symbolic link is written
    through, to the file it points at (the rename would replace the link itself); one into
    ``/dev`` or ``/proc`` (``/dev/stdout``) is not a file."""
    hops = 0
    while path.is_symlink() and hops < 40:  # each hop: /dev/stdout -> /proc/self/fd/1 -> the shell's file
        if path.absolute().parts[1:2] in (("dev",), ("proc",)):
            raise OSError(errno.EEXIST, "it is a device or a stream, not a file", str(path))
        path, hops = path.parent / os.readlink(path), hops + 1
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


def read_user_text(path: Path) -> str:
    """A text file the person wrote (settings, a profile, a scenario), as UTF-8.

    Windows Notepad starts a UTF-8 file with a byte-order mark, which TOML parsers report as an
    invalid statement at line 1, column 1, a character nobody can see: it is dropped here. A pipe
    or a device would block the read (or never end), so only a regular file is read.
    Raises OSError (FileNotFoundError when it is not there) and UnicodeDecodeError."""
    if path.exists() and not path.is_file() and not path.is_dir():  # a folder: read_text's own error
        raise OSError(errno.EINVAL, "not a regular file: a pipe or a device", str(path))
    return path.read_text(encoding="utf-8-sig")
