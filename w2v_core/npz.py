"""The ``.npz`` container, read without trusting it and written so it can be memory-mapped.

An ``.npz`` file is a zip archive of ``.npy`` arrays.  Two things about it matter here.

**Reading untrusted files.**  Every ``.npy`` member starts with a small header giving
its dtype and shape.  :func:`inspect` reads those headers (a few hundred bytes each)
and refuses, before a single array byte is read:

* object arrays (loading them would need pickle);
* a member whose header claims more bytes than the member holds (truncated or forged);
* a *compression bomb*: a deflated member that would expand more than
  :data:`MAX_EXPANSION` times (and past :data:`EXPANSION_FLOOR`): honest float32
  weights barely compress (about 1.1x), zeros compress a thousandfold;
* more than ``max_bytes`` in all (the caller's budget, e.g. derived from an upload limit).

So a 2.7 MB file whose arrays would expand to gigabytes costs a few kilobytes to refuse.

**Memory-mapping.**  :func:`write` stores members uncompressed and pads each local zip
header (with an extra field, as Android's ``zipalign`` does) so that every array's data
starts at a multiple of 64 bytes in the file.  :func:`read` can then hand back a stored
member as a read-only :class:`numpy.memmap` into the file itself: opening a 1.2 GB
matrix costs nothing until rows are used, and a second open is served from the page
cache.  Files written by ``np.savez`` (stored, unaligned) are mapped too; compressed
members (``np.savez_compressed``) are read into memory after the checks above.
"""

from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass
from typing import IO

import numpy as np

from .errors import ModelFileError

#: A deflated member may expand at most this many times...
MAX_EXPANSION = 50
#: ...unless it is this small anyway (short word lists of ``<U`` strings compress well).
EXPANSION_FLOOR = 64 * 2**20
#: Data of every stored member starts at a multiple of this many bytes.
ALIGNMENT = 64
#: Extra-field id used for the padding (the one ``zipalign`` uses).
_PADDING_ID = 0xD935
#: Members at least this large get zip64 headers (zipfile insists on knowing beforehand).
_ZIP64_FROM = (1 << 31) - (1 << 24)
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")


@dataclass(frozen=True)
class Member:
    """What the header of one ``.npy`` member declares, and where its data is."""

    name: str
    shape: tuple[int, ...]
    dtype: np.dtype
    fortran_order: bool
    nbytes: int
    #: Offset of the array data in the file for a stored member, else None (compressed).
    data_offset: int | None


def _header(stream: IO[bytes]) -> tuple[tuple[int, ...], bool, np.dtype] | None:
    version = np.lib.format.read_magic(stream)
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(stream)
    if version == (2, 0):
        return np.lib.format.read_array_header_2_0(stream)
    return None  # other versions: np.lib.format.read_array still refuses pickles


def inspect(handle: IO[bytes], label: str, max_bytes: int) -> dict[str, Member]:
    """Read and check every member's header; no array data is read.

    Raises
    ------
    ModelFileError
        Object arrays, forged or truncated headers, compression bombs, encrypted
        members, or more than ``max_bytes`` of arrays in all.
    zipfile.BadZipFile, ValueError, OSError
        For a damaged archive (the caller turns them into one line).
    """
    members: dict[str, Member] = {}
    total = 0
    with zipfile.ZipFile(handle) as archive:
        for info in archive.infolist():
            if not info.filename.endswith(".npy"):
                continue
            name = info.filename[:-4]
            if info.flag_bits & 0x1:
                raise ModelFileError(f"{label}: array '{name}' is encrypted")
            with archive.open(info) as member:
                parsed = _header(member)
            if parsed is None:
                raise ModelFileError(f"{label}: array '{name}' has an unknown .npy version")
            shape, fortran_order, dtype = parsed
            if dtype.hasobject:
                raise ModelFileError(
                    f"{label}: array '{name}' holds Python objects, which would need pickle "
                    "to load; refusing to load it"
                )
            nbytes = int(np.prod(shape, dtype=np.float64)) * dtype.itemsize
            if nbytes > info.file_size:
                raise ModelFileError(
                    f"{label}: array '{name}' claims shape {shape} but the file is too short "
                    "for it (truncated or corrupt)"
                )
            if info.compress_type != zipfile.ZIP_STORED and nbytes > max(
                EXPANSION_FLOOR, MAX_EXPANSION * info.compress_size
            ):
                raise ModelFileError(
                    f"{label}: array '{name}' would expand from {info.compress_size / 1e6:.1f} MB "
                    f"to {nbytes / 1e6:,.0f} MB (a compression bomb?); refusing to read it"
                )
            total += nbytes
            if total > max_bytes:
                raise ModelFileError(
                    f"{label}: its arrays hold more than {max_bytes / 1e6:,.0f} MB, more than "
                    "this reader accepts here"
                )
            offset = None
            if info.compress_type == zipfile.ZIP_STORED:
                offset = _data_offset(handle, info, nbytes, label, name)
            members[name] = Member(name, tuple(shape), dtype, fortran_order, nbytes, offset)
    return members


def _data_offset(
    handle: IO[bytes], info: zipfile.ZipInfo, nbytes: int, label: str, name: str
) -> int:
    """Where the array data of a stored member starts in the file (checked to fit)."""
    handle.seek(info.header_offset)
    fields = _LOCAL_HEADER.unpack(handle.read(_LOCAL_HEADER.size))
    if fields[0] != b"PK\x03\x04":
        raise ModelFileError(f"{label}: array '{name}' has a damaged zip header")
    name_length, extra_length = fields[-2], fields[-1]
    member_start = info.header_offset + _LOCAL_HEADER.size + name_length + extra_length
    handle.seek(member_start)
    _header(handle)
    data_offset = handle.tell()
    if data_offset + nbytes > member_start + info.compress_size:
        raise ModelFileError(f"{label}: array '{name}' is truncated")
    return data_offset


def read(
    handle: IO[bytes],
    members: dict[str, Member],
    names: list[str],
    *,
    mmap: tuple[str, ...] = (),
) -> dict[str, np.ndarray]:
    """Read the arrays ``names`` (already checked by :func:`inspect`).

    Stored members listed in ``mmap`` come back as read-only memory maps of the file;
    everything else is read into memory with ``allow_pickle=False``.
    """
    arrays: dict[str, np.ndarray] = {}
    with zipfile.ZipFile(handle) as archive:
        for name in names:
            member = members[name]
            if name in mmap and member.data_offset is not None and member.nbytes > 0:
                arrays[name] = np.memmap(
                    handle,
                    dtype=member.dtype,
                    mode="r",  # read-only: the file is never written through the map
                    offset=member.data_offset,
                    shape=member.shape,
                    order="F" if member.fortran_order else "C",
                )
                continue
            with archive.open(name + ".npy") as stream:
                arrays[name] = np.lib.format.read_array(stream, allow_pickle=False)
    return arrays


def write(handle: IO[bytes], arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` as an uncompressed ``.npz`` whose array data is 64-byte aligned.

    ``np.load`` reads the result like any ``.npz``; :func:`read` can memory-map it.
    """
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, value in arrays.items():
            array = np.asanyarray(value)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            zip64 = array.nbytes >= _ZIP64_FROM
            # Local header: 30 bytes + name + our extra field (4 + padding) + zip64 (20).
            start = archive.fp.tell()  # type: ignore[union-attr]
            fixed = start + 30 + len(info.filename.encode()) + 4 + (20 if zip64 else 0)
            padding = -fixed % ALIGNMENT
            info.extra = struct.pack("<HH", _PADDING_ID, padding) + b"\0" * padding
            # .npy headers are padded to a multiple of 64 themselves: data stays aligned.
            with archive.open(info, "w", force_zip64=zip64) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)
