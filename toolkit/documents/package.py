"""The .docx package written fast: every zip member is compressed once (:class:`PackedEntry`), and a document
written for every recipient copies the untouched members as bytes, compressing only the parts that changed."""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PackedEntry:
    """One zip member, compressed once: a docx written for every recipient copies these bytes."""

    info: zipfile.ZipInfo
    name: bytes
    flags: int
    method: int
    dos_time: int
    dos_date: int
    crc: int
    size: int
    payload: bytes

    @classmethod
    def pack(cls, info: zipfile.ZipInfo, data: bytes) -> PackedEntry:
        name = info.filename.encode("utf-8")
        flags = 0x800 if not info.filename.isascii() else 0
        if info.compress_type == zipfile.ZIP_STORED:
            method, payload = zipfile.ZIP_STORED, data
        else:
            packer = zlib.compressobj(6, zlib.DEFLATED, -15)
            method, payload = zipfile.ZIP_DEFLATED, packer.compress(data) + packer.flush()
        year, month, day, hour, minute, second = info.date_time
        dos_time = (hour << 11) | (minute << 5) | (second // 2)
        dos_date = (max(year, 1980) - 1980) << 9 | (month << 5) | day
        return cls(info, name, flags, method, dos_time, dos_date, zlib.crc32(data), len(data), payload)


def zip_bytes(entries: Sequence[PackedEntry]) -> bytes:
    """A plain (non-ZIP64) zip archive of already compressed members."""
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for e in entries:
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, e.flags, e.method, e.dos_time, e.dos_date,
                            e.crc, len(e.payload), e.size, len(e.name), 0) + e.name
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, e.flags, e.method, e.dos_time,
                                   e.dos_date, e.crc, len(e.payload), e.size, len(e.name), 0, 0, 0, 0, 0,
                                   offset) + e.name)
        chunks += (local, e.payload)
        offset += len(local) + len(e.payload)
    directory = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), offset, 0)
    return b"".join(chunks) + directory + end
