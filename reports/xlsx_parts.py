"""Rewriting some parts of an xlsx file (a zip archive) while copying the others as they are.

Python's zipfile cannot copy an entry without decompressing and recompressing it, which for
a report's big sheets costs seconds and, at a fast level, makes the file a third larger.
`PartWriter` copies an entry's compressed bytes unchanged and streams a new entry through
deflate, with a data descriptor after it (as rust_xlsxwriter writes its own entries), so
nothing is held in memory whatever the part's size.

Plain zip only: a file past 4 GiB or 65,535 entries (which needs zip64) is refused with a
clear error rather than written wrong.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterable
from typing import BinaryIO

_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_DESCRIPTOR = struct.Struct("<4s3L")
_LIMIT = 0xFFFFFFFF
_DEFLATED = 8
_HAS_DESCRIPTOR = 0x08
_UTF8 = 0x800
_VERSION = 20  # 2.0: deflate


class TooLarge(ValueError):
    """The file needs zip64, which this writer does not write."""


class PartWriter:
    """A new zip archive written part by part, in order, to `out` (a file open for writing)."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.central: list[bytes] = []

    def _offset(self) -> int:
        offset = self.out.tell()
        if offset > _LIMIT:
            raise TooLarge("the workbook is past 4 GiB: it cannot be rewritten")
        return offset

    def _entry(
        self,
        name: bytes,
        flags: int,
        method: int,
        dos: tuple[int, int],
        sizes: tuple[int, int, int],
        offset: int,
        external: int,
    ) -> None:
        crc, compressed, size = sizes
        self.central.append(
            _CENTRAL.pack(b"PK\x01\x02", _VERSION, _VERSION, flags, method, dos[0], dos[1],
                          crc, compressed, size, len(name), 0, 0, 0, 0, external, offset)
            + name
        )  # fmt: skip

    def copy(self, source: BinaryIO, info: zipfile.ZipInfo) -> None:
        """The entry `info` of the archive open as `source`, its compressed bytes unchanged."""
        source.seek(info.header_offset)
        header = _LOCAL.unpack(source.read(_LOCAL.size))
        source.seek(header[-2] + header[-1], 1)  # past the name and extra field
        name, offset = _name(info), self._offset()
        flags = (info.flag_bits & ~_HAS_DESCRIPTOR) | (_UTF8 if _needs_utf8(info) else 0)
        dos = _dos(info)
        sizes = (info.CRC, info.compress_size, info.file_size)
        self.out.write(
            _LOCAL.pack(b"PK\x03\x04", _VERSION, flags, info.compress_type, dos[0], dos[1],
                        *sizes, len(name), 0)
            + name
        )  # fmt: skip
        left = info.compress_size
        while left:
            chunk = source.read(min(left, 1 << 20))
            if not chunk:
                raise zipfile.BadZipFile(f"{info.filename}: the entry ends early")
            self.out.write(chunk)
            left -= len(chunk)
        self._entry(name, flags, info.compress_type, dos, sizes, offset, info.external_attr)

    def write(self, info: zipfile.ZipInfo, chunks: Iterable[bytes], level: int) -> None:
        """A new entry named as `info`, its content `chunks` deflated at `level`."""
        name, offset = _name(info), self._offset()
        flags = _HAS_DESCRIPTOR | (_UTF8 if _needs_utf8(info) else 0)
        dos = _dos(info)
        self.out.write(
            _LOCAL.pack(b"PK\x03\x04", _VERSION, flags, _DEFLATED, dos[0], dos[1], 0, 0, 0,
                        len(name), 0)
            + name
        )  # fmt: skip
        deflate = zlib.compressobj(level, zlib.DEFLATED, -15)
        crc = size = compressed = 0
        for chunk in chunks:
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
            data = deflate.compress(chunk)
            compressed += len(data)
            self.out.write(data)
        data = deflate.flush()
        compressed += len(data)
        self.out.write(data)
        if size > _LIMIT or compressed > _LIMIT:
            raise TooLarge(f"{info.filename} is past 4 GiB: the workbook cannot be rewritten")
        self.out.write(_DESCRIPTOR.pack(b"PK\x07\x08", crc, compressed, size))
        self._entry(name, flags, _DEFLATED, dos, (crc, compressed, size), offset,
                    info.external_attr)  # fmt: skip

    def close(self) -> None:
        """The central directory and its end record."""
        if len(self.central) > 0xFFFF:
            raise TooLarge("the workbook has more than 65,535 parts: it cannot be rewritten")
        start = self._offset()
        for entry in self.central:
            self.out.write(entry)
        size = self.out.tell() - start
        n = len(self.central)
        self.out.write(_END.pack(b"PK\x05\x06", 0, 0, n, n, size, start, 0))


def _name(info: zipfile.ZipInfo) -> bytes:
    return info.filename.encode("utf-8")


def _needs_utf8(info: zipfile.ZipInfo) -> bool:
    return not info.filename.isascii()


def _dos(info: zipfile.ZipInfo) -> tuple[int, int]:
    """The entry's time and date in the zip format's (MS-DOS) form."""
    y, mo, d, h, mi, s = info.date_time
    return (h << 11) | (mi << 5) | (s // 2), ((max(y, 1980) - 1980) << 9) | (mo << 5) | d
