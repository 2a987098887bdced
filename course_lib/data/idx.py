"""Read the IDX format, the simple binary format of MNIST and Fashion-MNIST.

Taught in chapter 10 (notebooks/10_pytorch_fashion_mnist.ipynb, not yet written):
where the data comes from. Used by ``course_lib.data.fashion_mnist``.

An IDX file is a header followed by the raw values, all big-endian::

    bytes 0-1   zero
    byte  2     type code (0x08 = uint8, 0x09 = int8, 0x0B = int16,
                0x0C = int32, 0x0D = float32, 0x0E = float64)
    byte  3     number of dimensions d
    4 * d       the size of each dimension (uint32)
    ...         prod(sizes) values in C order

Read as one big-endian int32, the first four bytes are the "magic number":
2051 for Fashion-MNIST's images (uint8, 3 dimensions), 2049 for its labels
(uint8, 1 dimension).

Taught in no notebook: ``load_fashion_mnist`` reads its files with it.
"""

from __future__ import annotations

import math
import struct

import numpy as np

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049

_TYPE_CODES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


class IDXFormatError(ValueError):
    """The bytes are not a well-formed IDX file; the message says what is wrong."""


def parse_idx(data: bytes, *, expected_magic: int | None = None) -> np.ndarray:
    """Parse the bytes of an (uncompressed) IDX file into an array.

    Taught in chapter 10 (notebooks/10_pytorch_fashion_mnist.ipynb, not yet written).

    Args:
        data: the whole file content.
        expected_magic: if given, the first four bytes read as a big-endian
            int must equal it (``IMAGES_MAGIC`` or ``LABELS_MAGIC``).

    Returns:
        A read-only array of shape given by the header, viewing ``data``
        (copy it to modify it).

    Raises:
        IDXFormatError: wrong magic number, unknown type code, or a length
            that does not match the header (a truncated or padded file).

    Example:
        >>> header = (2049).to_bytes(4, "big") + (3).to_bytes(4, "big")
        >>> parse_idx(header + bytes([7, 1, 2]), expected_magic=2049)
        array([7, 1, 2], dtype=uint8)
    """
    data = memoryview(data).cast("B")
    if len(data) < 4:
        raise IDXFormatError(f"it holds only {len(data)} bytes, too few for an IDX header")
    magic = int.from_bytes(data[:4], "big")
    if expected_magic is not None and magic != expected_magic:
        raise IDXFormatError(
            f"its magic number is {magic}, expected {expected_magic} "
            f"({_describe_magic(expected_magic)}); it is not the right kind of IDX file"
        )
    if data[0] != 0 or data[1] != 0 or data[2] not in _TYPE_CODES:
        raise IDXFormatError(f"its first bytes ({bytes(data[:4]).hex()}) are not an IDX header")
    dtype, ndim = _TYPE_CODES[data[2]], data[3]
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise IDXFormatError(
            f"it ends inside its header ({len(data)} bytes, the header alone needs {header_size})"
        )
    shape = struct.unpack(f">{ndim}I", data[4:header_size])
    count = math.prod(shape)
    expected_size = header_size + count * dtype.itemsize
    if len(data) != expected_size:
        problem = "truncated" if len(data) < expected_size else "longer than its header says"
        raise IDXFormatError(
            f"it is {problem}: the header announces shape {shape}, i.e. "
            f"{expected_size:,} bytes, but the file has {len(data):,} bytes"
        )
    return np.frombuffer(data, dtype=dtype, count=count, offset=header_size).reshape(shape)


def _describe_magic(magic: int) -> str:
    dtype = _TYPE_CODES.get((magic >> 8) & 0xFF)
    kind = {IMAGES_MAGIC: "images, ", LABELS_MAGIC: "labels, "}.get(magic, "")
    return f"{kind}{dtype} with {magic & 0xFF} dimensions"
