"""Reading a scanned or photographed plan (PNG, JPEG, TIFF) into the pyramid the plan stores.

Pillow decodes (Qt-free, so the command line, the tests and the desktop share one reader; TIFF
with LZW/Deflate, 16-bit and CMYK scans included). A photo is turned upright by its EXIF
orientation first, so pixel coordinates are those the planner sees. The pyramid: level 0 at full
size, each next level half the previous (box-averaged) until one tile holds it, each level cut in
512-px tiles — the map draws the level nearest its scale and only the tiles in view, so a large
scan pans and zooms like a small one. Tiles are PNG when the source is PNG or has transparency
(lossless line work), else JPEG (quality 88: a photographed plan's noise costs no more room).

Pixel coordinates (control points) run from the image's top-left corner, x right and y down, in
pixels of the full-size image (pixel i covers [i, i + 1)).
"""
from __future__ import annotations

import io
from pathlib import Path

from ..errors import PlanError, read_user_file
from ..rasters import ScannedImage

TILE_SIZE = 512
JPEG_QUALITY = 88
# A scan above this many pixels is refused rather than decoded: decoding holds it whole (3 bytes a
# pixel), and an open plan stays within 1 GB (design.md §8). A0 at 400 dpi is 13 244 × 9 362 ≈ 124 Mpx.
MAX_PIXELS = 150_000_000
_MAGIC = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg", b"II*\x00": "tiff", b"MM\x00*": "tiff"}
_NOT_AN_IMAGE = ("不是 PNG、JPEG 或 TIFF 图像", "is not a PNG, JPEG or TIFF image")


def image_kind(path: str | Path) -> str:
    """"png", "jpeg" or "tiff" from the file's first bytes, or one sentence why it is none of them."""
    header = read_user_file(path, "图像", "an image", 16)
    for magic, kind in _MAGIC.items():
        if header.startswith(magic):
            return kind
    raise PlanError.about_file(path, *_NOT_AN_IMAGE)


def read_image(path: str | Path, tile_size: int = TILE_SIZE) -> tuple[ScannedImage, tuple]:
    """The scan's description (un-placed, not yet stored) and its pyramid tiles
    ((level, col, row, bytes), …); a damaged, truncated or oversized file is refused in one sentence."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    kind = image_kind(path)
    damaged = PlanError.about_file(path, "图像文件已损坏或不完整，无法读取", "the image file is damaged or incomplete")
    # Pillow's own bomb guard off for the call: MAX_PIXELS, checked on the header before decoding,
    # refuses in words instead of a warning or an exception of its own.
    saved, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    try:
        with Image.open(path) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise PlanError.about_file(path, f"图像过大（{opened.width}×{opened.height} 像素，上限 {MAX_PIXELS // 10**6} 百万像素）",
                                           f"the image is too large ({opened.width}×{opened.height} pixels; "
                                           f"the limit is {MAX_PIXELS // 10**6} megapixels)")
            opened.load()
            picture = ImageOps.exif_transpose(opened)
            picture = _displayable(picture)
    except PlanError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise damaged from None
    finally:
        Image.MAX_IMAGE_PIXELS = saved
    alpha = picture.mode == "RGBA"
    fmt = "png" if kind == "png" or alpha else "jpeg"
    tiles = []
    level, current = 0, picture
    while True:
        for row in range(0, current.height, tile_size):
            for col in range(0, current.width, tile_size):
                piece = current.crop((col, row, min(col + tile_size, current.width), min(row + tile_size, current.height)))
                tiles.append((level, col // tile_size, row // tile_size, _encode(piece, fmt)))
        if max(current.width, current.height) <= tile_size:
            break
        current = current.reduce(2)
        level += 1
    p = Path(path)
    scanned = ScannedImage(None, p.stem, p.name, picture.width, picture.height, tile_size, level + 1, fmt)
    return scanned, tuple(tiles)


def _displayable(picture):
    """RGB, greyscale or RGBA: what PNG and JPEG tiles hold (16-bit greys scaled to 8 bits)."""
    mode = picture.mode
    if mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in picture.info):
        return picture.convert("RGBA")
    if mode in ("I;16", "I;16B", "I;16L", "I"):
        return picture.point(lambda v: v / 256).convert("L")
    if mode in ("1", "L"):
        return picture.convert("L")
    return picture.convert("RGB")


def _encode(piece, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "png":
        piece.save(out, "PNG", compress_level=6)
    else:
        piece.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


__all__ = ["read_image", "image_kind", "TILE_SIZE", "MAX_PIXELS"]
