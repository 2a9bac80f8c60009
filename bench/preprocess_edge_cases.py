"""Fixed edge cases of check_preprocess.py: inputs that are broken, blank, tiny, rotated, oversized or oddly typed.

Bad bytes, huge headers, bad text, bad pixel lists and arrays, blank and tiny drawings, EXIF and
XMP orientations, odd but valid PNGs, unaccepted types, and the repository's PNG fixtures.
"""

import base64
import io
import struct
import zlib
from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from PIL.PngImagePlugin import PngInfo

from preprocess_images import (
    CANVAS, PNG_SIGNATURE, ROOT, coverage, data_url, drawn, encode, photo, png_chunk, rgba, to_uint8, transparent,
)
from preprocess_prepared import Prepared

XMP_KEY = "XML:com.adobe.xmp"
RAW_EXIF_KEY = "Raw profile type exif"  # ImageMagick's keyword for EXIF in a PNG text chunk.
XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="" xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="{}"/></rdf:RDF></x:xmpmeta>'
)


def edge_cases(rng) -> list:
    """Broken, blank, tiny, rotated, oversized and oddly typed inputs, plus the repository's fixtures."""
    png = encode(drawn(rng))
    jpeg = encode(Image.fromarray(to_uint8(photo(rng, (300, 200)))), "JPEG")
    groups = (
        bad_bytes(rng, png, jpeg), huge_headers(jpeg), bad_text(png), bad_pixels(), bad_arrays(),
        blanks(rng), tiny(), exif(rng), odd_pngs(rng, png), types(png), fixtures(),
    )
    return [pair for group in groups for pair in group]


def chunk_spans(png: bytes) -> list:
    """(type, start, end) of each chunk of a PNG, end just past its CRC."""
    spans, start = [], len(PNG_SIGNATURE)
    while start < len(png):
        length = struct.unpack(">I", png[start : start + 4])[0]
        spans.append((png[start + 4 : start + 8].decode(), start, start + 12 + length))
        start += 12 + length
    return spans


def flipped(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


def bad_bytes(rng, png: bytes, jpeg: bytes) -> list:
    """Empty, random, cut short, damaged checksums, bad deflate data and unaccepted formats."""
    cases = [("empty", b""), ("empty-bytearray", bytearray()), ("signature-only", PNG_SIGNATURE), ("svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")]
    cases += [(f"random-{n}", rng.integers(0, 256, n, dtype=np.uint8).tobytes()) for n in (1, 7, 64, 1000)]
    cuts = (8, 12, 16, 29, 33, 40, len(png) // 4, len(png) // 2, len(png) - 13, len(png) - 12, len(png) - 8, len(png) - 1)
    cases += [(f"png-cut-at-{n}", png[:n]) for n in cuts]
    cases += [(f"png-crc-flipped-{kind}", flipped(png, end - 1)) for kind, _start, end in chunk_spans(png)]
    idat = next((start, end) for kind, start, end in chunk_spans(png) if kind == "IDAT")
    cases.append(("png-idat-byte-flipped", flipped(png, (idat[0] + idat[1]) // 2)))
    # Valid checksums around data that does not inflate, or inflates to too few rows.
    for name, body in (("bad-deflate", b"\x78\x9c" + bytes(range(200))), ("short-idat", zlib.compress(b"\x00" * 281 * 10))):
        cases.append((f"png-{name}", png[: idat[0]] + png_chunk(b"IDAT", body) + png[idat[1] :]))
    cases += [("png-trailing-garbage", png + b"garbage"), ("jpeg-cut-half", jpeg[: len(jpeg) // 2]), ("jpeg-cut-end", jpeg[:-2])]
    for fmt in ("BMP", "TIFF", "ICO", "PPM"):
        cases.append((f"unaccepted-{fmt.lower()}", encode(drawn(rng).convert("RGB") if fmt == "PPM" else drawn(rng), fmt)))
    return [(f"bad-bytes/{name}", value) for name, value in cases]


def huge_headers(jpeg: bytes) -> list:
    """Headers claiming dimensions beyond constants.MAX_IMAGE_PIXELS (4096x4096) or none at all."""
    sizes = ((20000, 20000), (5000, 5000), (4097, 4096), (4096, 4096), (1, 16777217), (16777216, 1), (0, 10))
    idat = png_chunk(b"IDAT", zlib.compress(b"\x00\x00" * 4))
    cases = [(f"png-{w}x{h}", PNG_SIGNATURE + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) + idat + png_chunk(b"IEND", b"")) for w, h in sizes]
    sof = jpeg.index(b"\xff\xc0") + 5  # Baseline frame header: height, then width, 16-bit big-endian.
    cases += [(f"jpeg-{w}x{h}", jpeg[:sof] + struct.pack(">HH", h, w) + jpeg[sof + 4 :]) for w, h in ((20000, 20000), (5000, 5000), (0, 100))]
    gif = encode(Image.new("L", (10, 10), 255), "GIF")
    cases += [(f"gif-{w}x{h}", gif[:6] + struct.pack("<HH", w, h) + gif[10:]) for w, h in ((20000, 20000), (5000, 5000))]
    return [(f"huge/{name}", value) for name, value in cases]


def bad_text(png: bytes) -> list:
    """Strings: empty, malformed data URLs, invalid base64, and valid odd spellings."""
    b64 = base64.b64encode(png).decode()
    cases = {
        "empty": "", "whitespace": " \n\t ", "empty-payload": "data:image/png;base64,", "no-base64-marker": f"data:image/png,{b64}",
        "no-comma": "data:image/png;base64", "no-mime": f"data:;base64,{b64}", "jpeg-mime-png-data": f"data:image/jpeg;base64,{b64}",
        "invalid-chars": f"{b64[:40]}!!${b64[40:]}", "bad-padding": b64[:-1] if b64.endswith("=") else b64 + "=",
        "url-safe": b64.replace("+", "-").replace("/", "_"), "tabs-inside": "\t".join(b64[k : k + 50] for k in range(0, len(b64), 50)),
        "non-ascii": "données", "upper-case-scheme": f"DATA:image/png;base64,{b64}", "text-as-base64": base64.b64encode(b"hello").decode(),
        "random-base64": base64.b64encode(bytes(range(256))).decode(), "utf8-mime": f"data:image/png;charset=utf-8;base64,{b64}",
    }
    return [(f"bad-text/{name}", value) for name, value in cases.items()]


def bad_pixels() -> list:
    """Flat pixel lists of the wrong length, out of range, not finite, booleans and non-numbers."""
    bar = np.zeros((28, 28), np.uint8)
    bar[6:22, 12:16] = 255  # A "1": valid lists of it give an output, so the checks alone make the error.
    ok = bar.ravel().tolist()

    def replaced(value):
        return ok[:400] + [value] + ok[401:]

    cases = {
        "empty": [], "783": ok[:783], "785": ok + [0], "minus-1": replaced(-1), "256": replaced(256), "255.5": replaced(255.5),
        "nan": replaced(float("nan")), "inf": replaced(float("inf")), "minus-inf": replaced(float("-inf")), "true": replaced(True),
        "np-true": replaced(np.True_), "string": replaced("1"), "none": replaced(None), "complex": replaced(1 + 0j),
        "nested": [ok[k : k + 28] for k in range(0, 784, 28)],
        "all-bools": [bool(v) for v in ok], "fractions": [Fraction(v, 1) for v in ok], "all-zero": [0] * 784, "all-255": [255] * 784,
        "np-int64": [np.int64(v) for v in ok], "np-float32": [np.float32(v) for v in ok], "tuple-783": tuple(ok[:783]),
    }
    return [(f"bad-pixels/{name}", value) for name, value in cases.items()]


def bad_arrays() -> list:
    """Arrays of unusable shapes and dtypes, not finite, or over the pixel limit."""
    digit = np.zeros((28, 28), np.uint8)
    digit[6:22, 12:16] = 255
    cases = {
        "28x28x5": np.zeros((28, 28, 5)), "2x28x28": np.zeros((2, 28, 28)), "4-d": np.zeros((1, 28, 28, 1)), "0x28": np.zeros((0, 28)),
        "0x0x3": np.zeros((0, 0, 3)), "1-d-783": np.zeros(783), "0-d": np.array(5.0), "object": digit.astype(object), "complex": digit.astype(complex),
        "strings": digit.astype(str), "datetime": np.zeros((28, 28), "datetime64[s]"),
        "nan": np.where(digit > 0, np.nan, 0.0), "inf": np.where(digit > 0, np.inf, 0.0), "negative": -digit.astype(np.int16),
        "1x1": np.ones((1, 1)), "row": np.tile(digit[14], 18)[np.newaxis], "column": np.tile(digit[14], 18)[:, np.newaxis],
        "over-pixel-limit": np.zeros((1, 4096 * 4096 + 1), np.uint8), "digit-in-int8": digit.astype(np.int8), "digit-3d-rgb-bool": np.dstack([digit > 0] * 3),
    }
    return [(f"bad-arrays/{name}", value) for name, value in cases.items()]


def blanks(rng) -> list:
    """Images with no ink: blank canvases of every kind, flat colours, a bare gradient and pure noise."""
    garbage = rgba(rng.integers(0, 256, (CANVAS, CANVAS, 3), dtype=np.uint8), np.zeros((CANVAS, CANVAS), np.uint8))
    ramp = Image.fromarray(to_uint8(np.tile(np.linspace(0.4, 0.9, 400), (300, 1))))
    cases = {
        "white-canvas": encode(Image.new("RGBA", (CANVAS, CANVAS), (255, 255, 255, 255))), "transparent-canvas": encode(transparent((CANVAS, CANVAS))),
        "transparent-garbage-rgb": encode(garbage), "black": encode(Image.new("L", (CANVAS, CANVAS), 0)), "grey": encode(Image.new("L", (CANVAS, CANVAS), 128)),
        "white-rgb": encode(Image.new("RGB", (CANVAS, CANVAS), "white")), "white-jpeg": encode(Image.new("L", (CANVAS, CANVAS), 255), "JPEG"),
        "white-1000": encode(Image.new("L", (1000, 1000), 255)), "gradient": encode(ramp), "gradient-jpeg": encode(ramp, "JPEG"),
        "noise": encode(Image.fromarray(rng.integers(0, 256, (200, 200), dtype=np.uint8))), "zeros-array": np.zeros((28, 28), np.uint8),
        "ones-array": np.ones((28, 28), np.float32), "transparent-array": np.zeros((50, 50, 4), np.uint8),
    }
    return [(f"blank/{name}", value) for name, value in cases.items()]


def tiny() -> list:
    """Drawings of a few pixels, which must raise BlankImage, and a few just big enough not to."""
    cases = []
    sizes_and_lengths = (((CANVAS, CANVAS), 1), ((CANVAS, CANVAS), 2), ((CANVAS, CANVAS), 3), ((1000, 1000), 3), ((28, 28), 1), ((28, 28), 3), ((28, 28), 4), ((56, 56), 2))
    for size, points in sizes_and_lengths:
        for corner in ((1, 1), (size[0] // 2, size[1] // 2), (size[0] - 4, size[1] - 4)):
            image = transparent(size)
            ImageDraw.Draw(image).line([corner, (corner[0] + points - 1, corner[1])], fill=(0, 0, 0, 255), width=1)
            cases.append((f"tiny/{size[0]}x{size[1]}-{points}px-at-{corner[0]}-{corner[1]}", encode(image)))
    big = transparent((1000, 1000))
    ImageDraw.Draw(big).ellipse([990, 990, 996, 996], fill=(0, 0, 0, 255))
    return cases + [("tiny/1000x1000-dot-in-corner", encode(big))]


def exif(rng) -> list:
    """Each EXIF orientation on a non-square image, in PNG (eXIf chunk, canvas and opaque), JPEG and WebP.

    Orientations 3, 6 and 8 also come in PNGs that hold them only in a text chunk, as XMP or EXIF.
    """
    canvas = drawn(rng).crop((0, 0, CANVAS, 200))
    opaque_image = Image.fromarray(to_uint8(1 - coverage(rng, (300, 180))))
    cases = []
    for orientation in range(1, 9):
        tags = orientation_exif(orientation)
        cases += [
            (f"exif/png-canvas-{orientation}", encode(canvas, exif=tags)),
            (f"exif/png-L-{orientation}", encode(opaque_image, exif=tags)),
            (f"exif/jpeg-{orientation}", encode(opaque_image, "JPEG", exif=tags)),
            (f"exif/webp-{orientation}", encode(canvas, "WEBP", lossless=True, exif=tags)),
        ]
    return cases + orientation_in_text("canvas", canvas) + orientation_in_text("L", opaque_image)


def orientation_exif(orientation: int) -> bytes:
    tags = Image.Exif()
    tags[0x0112] = orientation
    return tags.tobytes()


def orientation_in_text(name: str, image: Image.Image) -> list:
    """PNGs of `image` whose orientation is only in XMP or in ImageMagick's EXIF text, never in eXIf."""
    pngs = {(chunk, orientation): encode(image, pnginfo=info) for orientation in (3, 6, 8) for chunk, info in text_chunks(orientation).items()}
    cases = [(f"exif/png-{name}-{chunk}-{orientation}", png) for (chunk, orientation), png in pngs.items()]
    # Pillow writes text before the pixel data; text after it is read only once the pixels are.
    for chunk, kind in (("xmp-itxt", "iTXt"), ("raw-exif-ztxt", "zTXt")):
        cases.append((f"exif/png-{name}-{chunk}-after-idat-6", moved_before_iend(pngs[chunk, 6], kind)))
    return cases


def text_chunks(orientation: int) -> dict:
    """PngInfo holding `orientation` in one text chunk, by the chunk's kind and encoding."""
    xmp, data = XMP.format(orientation), orientation_exif(orientation)
    # ImageMagick's layout: an empty line, the profile's name, its length in bytes, then hex in lines of 72.
    lines = [data[k : k + 36].hex() for k in range(0, len(data), 36)]
    profile = f"\nexif\n{len(data):8d}\n" + "\n".join(lines) + "\n"
    infos = {name: PngInfo() for name in ("xmp-itxt", "xmp-itxt-zip", "xmp-text", "raw-exif-text", "raw-exif-ztxt")}
    infos["xmp-itxt"].add_itxt(XMP_KEY, xmp)
    infos["xmp-itxt-zip"].add_itxt(XMP_KEY, xmp, zip=True)
    infos["xmp-text"].add_text(XMP_KEY, xmp)
    infos["raw-exif-text"].add_text(RAW_EXIF_KEY, profile)
    infos["raw-exif-ztxt"].add_text(RAW_EXIF_KEY, profile, zip=True)
    return infos


def moved_before_iend(png: bytes, kind: str) -> bytes:
    """The PNG with its one `kind` chunk moved from before the pixel data to just before IEND."""
    spans = {name: (start, end) for name, start, end in chunk_spans(png)}
    (start, end), iend = spans[kind], spans["IEND"][0]
    return png[:start] + png[end:iend] + png[start:end] + png[iend:]


def odd_pngs(rng, png: bytes) -> list:
    """Valid PNGs at the edges: 1-pixel images, thin strips, "eXIf" only as text, metadata chunks."""
    text = PngInfo()
    text.add_text("Comment", "eXIf is only mentioned here")
    cases = [("text-mentions-exif", encode(Image.open(io.BytesIO(png)), pnginfo=text))]
    for mode in ("L", "RGB", "RGBA", "LA", "P", "1", "I;16"):
        cases.append((f"1x1-{mode}", encode(Image.new(mode, (1, 1)))))
    strip = np.zeros((CANVAS, 3), np.uint8)
    strip[20:260] = 255
    cases += [("strip-3-wide", encode(Image.fromarray(strip))), ("strip-3-high", encode(Image.fromarray(np.ascontiguousarray(strip.T))))]
    cases.append(("with-dpi", encode(drawn(rng), dpi=(300, 300))))
    on_white = Image.alpha_composite(Image.new("RGBA", (CANVAS, CANVAS), "white"), drawn(rng))
    cases.append(("palette-no-trns", encode(on_white.convert("RGB").quantize(colors=8))))
    return [(f"png-odd/{name}", value) for name, value in cases]


def types(png: bytes) -> list:
    """Values of types preprocess does not accept, and accepted ones in unusual containers."""
    cases = {
        "none": None, "int": 0, "float": 3.5, "dict": {"image": png}, "set": {1, 2}, "path": Path("digit.png"),
        "np-scalar": np.float64(1.0), "bytearray-png": bytearray(png), "memoryview-png": Prepared("memoryview", png),
        "bytes-of-text": b"data:image/png;base64," + base64.b64encode(png),
    }
    return [(f"types/{name}", value) for name, value in cases.items()]


def fixtures() -> list:
    """The PNG files the repository already holds: Chromium's canvas fixture and the golden images."""
    files = [ROOT / "bench" / "fixtures" / "canvas_seven.png", *sorted((ROOT / "tests" / "data" / "preprocess-golden").glob("*.png"))]
    cases = [(f"fixtures/{path.stem}", path.read_bytes()) for path in files if path.is_file()]
    return cases + [(f"{name}-data-url", data_url(value)) for name, value in cases[:1]]
