"""Files on disk, read and written the way a file someone sent you deserves.

Reading: opened once (no check-then-open race), without blocking (a FIFO would hang a blocking
open), and only a regular file is read, never more than a cap, so ``/dev/zero`` or a pipe is a
one-line refusal, not a hang or a gigabyte. Writing: to a temporary file beside the target,
then renamed over it, so a full disk or a killed write leaves the old file whole; an existing
file is replaced only when the user said so. Every ``OSError`` becomes one line.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

MiB = 1 << 20

RECORDING_CAP = 1024 * MiB
"""The most a recording or a Chrome trace may hold: a million events are ~14 MB in version 2,
~100 MB in version 1."""
TRACE_CAP = 4096 * MiB
"""The most a Chrome trace may hold: it is read a chunk at a time, so its size costs time (about
a minute a gigabyte), not memory; viztracer's users report traces of 3-4 GB."""
CHUNK = 8 * MiB
DECK_CAP = 1 * MiB
"""A deck is a page of TOML."""


class FileError(Exception):
    """A file that cannot be read or written; ``str()`` is the one line the user sees."""

    def __init__(self, path: str | os.PathLike[str], what: str) -> None:
        self.path, self.what = str(path), what
        super().__init__(f"{path}: {what}")


_PLAIN = {
    errno.ENOENT: "no such file",
    errno.ELOOP: "a loop of symbolic links",
    errno.ENAMETOOLONG: "the path is too long",
}


def _why(exc: OSError) -> str:
    if exc.errno in _PLAIN:
        return _PLAIN[exc.errno]
    return (exc.strerror or str(exc)).lower()


def _open(path: str | os.PathLike[str], cap: int, what: str) -> tuple[int, int]:
    """A descriptor of a regular file no larger than ``cap``, and its size."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except ValueError:  # a NUL in the path
        raise FileError(repr(str(path)), "a path cannot hold a NUL character") from None
    except OSError as exc:
        plain = exc.errno in _PLAIN
        raise FileError(path, _why(exc) if plain else f"cannot open: {_why(exc)}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise FileError(path, f"is a directory, not a {what}")
        if not stat.S_ISREG(info.st_mode):
            raise FileError(path, f"not a regular file (a device, pipe or socket), not a {what}")
        if info.st_size > cap:
            raise FileError(
                path, f"{info.st_size / MiB:,.0f} MiB: larger than the {cap // MiB:,} MiB read"
            )
    except BaseException:
        os.close(fd)
        raise
    return fd, info.st_size


def _pieces(path: str | os.PathLike[str], fd: int, cap: int, first: int) -> Iterator[bytes]:
    """The file's bytes: one read of ``first`` bytes, then chunks, never past the cap (the
    size can change under us)."""
    got = 0
    want = min(first, cap + 1)
    try:
        while got <= cap:
            chunk = os.read(fd, want)
            if not chunk:
                return
            got += len(chunk)
            if got > cap:
                raise FileError(path, f"grew past the {cap // MiB:,} MiB read while being read")
            yield chunk
            want = min(CHUNK, cap + 1 - got)
    except OSError as exc:
        raise FileError(path, f"cannot read: {_why(exc)}") from None


@contextlib.contextmanager
def opened(path: str | os.PathLike[str], cap: int, what: str = "file") -> Iterator[tuple[int, int]]:
    """A regular file's descriptor and size, opened once (no check-then-open race)."""
    fd, size = _open(path, cap, what)
    try:
        yield fd, size
    finally:
        os.close(fd)


def peek(path: str | os.PathLike[str], fd: int, n: int = CHUNK) -> bytes:
    """The file's first ``n`` bytes, without moving the descriptor (``pread``)."""
    try:
        return os.pread(fd, n, 0)
    except OSError as exc:
        raise FileError(path, f"cannot read: {_why(exc)}") from None


def whole(path: str | os.PathLike[str], fd: int, size: int, cap: int) -> bytes:
    """All of an open file: one read of the size fstat gave (one buffer: a joined list of
    chunks would hold the file twice at the end), then more only if it grew meanwhile."""
    chunks = list(_pieces(path, fd, cap, size + 1))
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def pieces(path: str | os.PathLike[str], fd: int, cap: int) -> Iterator[bytes]:
    """An open file in chunks, for a reader that keeps little of them."""
    return _pieces(path, fd, cap, CHUNK)


def read_regular(path: str | os.PathLike[str], cap: int, what: str = "file") -> bytes:
    """The whole of a regular file no larger than ``cap`` bytes, read through one descriptor."""
    with opened(path, cap, what) as (fd, size):
        return whole(path, fd, size, cap)


def check_target(
    path: str | os.PathLike[str], option: str, *, force: bool, inputs: tuple[str, ...] = ()
) -> None:
    """Refuse, before any work is done, a target that cannot or should not be written."""
    p = Path(path)
    try:
        if p.is_dir():
            raise FileError(f"{option} {path}", "is a directory")
        folder = p.absolute().parent
        if not folder.is_dir():
            raise FileError(f"{option} {path}", f"folder {folder} does not exist")
        if not os.access(folder, os.W_OK):
            raise FileError(f"{option} {path}", f"cannot write in {folder}")
        if p.exists() or p.is_symlink():
            for source in inputs:
                if os.path.samefile(source, p):
                    raise FileError(f"{option} {path}", "is the input itself (same file)")
            if not force:
                raise FileError(f"{option} {path}", "exists (add --force to replace it)")
            if p.exists() and not stat.S_ISREG(p.stat().st_mode):
                raise FileError(f"{option} {path}", "not a regular file: only a file is replaced")
    except ValueError:
        raise FileError(f"{option} {path!r}", "a path cannot hold a NUL character") from None
    except OSError as exc:
        raise FileError(f"{option} {path}", _why(exc)) from None


@contextlib.contextmanager
def atomic(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO[str]]:
    """A text file written beside ``path`` and renamed over it when the block ends well."""
    p = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".part", dir=p.absolute().parent)
    except OSError as exc:
        raise FileError(path, f"cannot write: {_why(exc)}") from None
    try:
        with os.fdopen(fd, mode, encoding="utf-8") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, p)
    except OSError as exc:
        _remove(tmp)
        raise FileError(path, f"cannot write: {_why(exc)}") from None
    except BaseException:
        _remove(tmp)
        raise


def write_text(path: str | os.PathLike[str], text: str) -> None:
    with atomic(path) as f:
        f.write(text)


def _remove(tmp: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
