"""Random inputs of check_preprocess.py, one generator per category, weighed in RANDOM_CATEGORIES.

The canvas categories are in preprocess_canvas_inputs.py. Here: opaque PNGs of every layout,
hand-written PNGs, JPEGs, photos, WebP and GIF, NumPy arrays, MNIST digits and Pillow images.
"""

import struct

import numpy as np
from PIL import Image

from preprocess_canvas_inputs import (
    canvas_border, canvas_data_url, canvas_downscaled, canvas_ink, canvas_png, canvas_sizes, canvas_specks, canvas_tiny,
)
from preprocess_images import CANVAS, ROOT, coverage, data_url, drawn, encode, photo, png_chunk, png_file, random_size, to_uint8
from preprocess_prepared import Prepared

CONTRASTS = ("black-on-white", "white-on-black", "grey", "low-contrast")
OPAQUE_LAYOUTS = ("L", "RGB", "1", "LA", "P-tRNS", "I;16", "RGB-tinted")
ALPHA_MODES = ("RGBA", "LA", "PA", "La", "RGBa")
PILLOW_MODES = (None, "L", "RGB", "RGBA", "LA", "P", "PA", "1", "I", "F", "CMYK", "YCbCr", "La", "RGBa", "HSV", "LAB")
# Pillow images made from raw pixels: 16-bit modes of each byte order (Pillow's conversions to them
# clip at 255), and floats 0-1 and 32-bit integers 0-65535.
RAW_MODES = {"I;16": "<u2", "I;16B": ">u2", "I;16L": "<u2", "I;16N": "=u2", "F": "<f4", "I": "<i4"}
ARRAY_LAYOUTS = (
    "uint8-28", "unit-float-28", "float-255-28", "28x28x1", "flat-28x28", "rgb-uint8", "rgb-float", "rgba-canvas", "la",
    "uint8", "uint16", "int32", "float16", "float-over-1", "bool", "fortran", "transposed",
)
MNIST_LAYOUTS = ("array", "list-int", "list-float", "tuple", "flat", "png", "inverted-png", "unit-float", "list-np-uint8", "data-url", "transposed")
# (PNG colour type, bit depth): gray, RGB, palette, gray+alpha and RGBA at each depth PNG allows.
PNG_LAYOUTS = ((0, 1), (0, 2), (0, 4), (0, 8), (0, 16), (2, 8), (2, 16), (3, 1), (3, 2), (3, 4), (3, 8), (4, 8), (4, 16), (6, 8), (6, 16))


def contrast_gray(kind: str, rng, ink: np.ndarray) -> np.ndarray:
    """An opaque grayscale image (floats 0-1) of ink coverage, with the given kind of contrast."""
    if kind == "black-on-white":
        background, colour = 1.0, 0.0
    elif kind == "white-on-black":
        background, colour = 0.0, 1.0
    elif kind == "grey":  # Ink mostly on the side the border predicts (darker on a light background), sometimes not.
        background = rng.uniform(0.3, 0.7)
        side = (-1 if background >= 0.5 else 1) * (-1 if rng.random() < 0.2 else 1)
        colour = np.clip(background + side * rng.uniform(0.3, 0.5), 0, 1)
    else:  # Ink differing by 0.05-0.2: on both sides of MIN_CONTRAST.
        background = rng.uniform(0.2, 0.9)
        colour = np.clip(background + rng.choice([-1, 1]) * rng.uniform(0.05, 0.2), 0, 1)
    gray = background + (colour - background) * ink
    return gray + rng.normal(0, 0.02, gray.shape) if rng.random() < 0.25 else gray


def opaque_layout(layout: str, rng, image: Image.Image) -> Image.Image:
    """The mode "L" image as an opaque PNG of another layout."""
    if layout == "RGB":
        return image.convert("RGB")
    if layout == "RGB-tinted":
        tint = rng.uniform(0.85, 1.0, 3)
        return Image.fromarray(to_uint8(np.asarray(image, np.float32)[..., np.newaxis] / 255 * tint), "RGB")
    if layout == "1":
        return image.convert("1", dither=Image.Dither.NONE if rng.random() < 0.5 else Image.Dither.FLOYDSTEINBERG)
    if layout == "LA":
        return Image.merge("LA", (image, Image.new("L", image.size, 255)))
    if layout == "I;16":
        return Image.fromarray(np.asarray(image, np.uint16) * 257)
    if layout == "P-tRNS":
        return image.quantize(colors=int(rng.integers(2, 64)))
    return image


def opaque(rng, count):
    """Opaque PNGs of drawings in each contrast and each layout (L, RGB, 1-bit, LA, palette+tRNS, 16-bit)."""
    inputs = []
    for i in range(count):
        kind, layout = CONTRASTS[i % len(CONTRASTS)], OPAQUE_LAYOUTS[i % len(OPAQUE_LAYOUTS)]
        size = (CANVAS, CANVAS) if i % 2 else random_size(rng, 28, 700)
        gray = contrast_gray(kind, rng, coverage(rng, size, int(rng.integers(2, 41))))
        image = opaque_layout(layout, rng, Image.fromarray(to_uint8(gray)))
        options = {"transparency": int(rng.integers(0, 2))} if layout == "P-tRNS" else {}
        inputs.append((f"opaque/{i:04d}-{kind}-{layout}-{size[0]}x{size[1]}", encode(image, **options)))
    return inputs


def png_samples(ink: np.ndarray, colour: int, depth: int, rng) -> tuple:
    """Samples and extra chunks (PLTE, tRNS) for ink coverage in one PNG layout."""
    top, light = 2**depth - 1, rng.random() < 0.3
    if colour in (4, 6):  # Transparent background, the ink in the alpha channel.
        level = np.full(ink.shape, top if light else int(rng.integers(0, top // 3 + 1)))
        return np.dstack([level] * (colour - 3) + [np.round(ink * top)]).astype(np.int64), b""
    gray = ink if light else 1 - ink
    if colour == 3:  # A gray palette; with tRNS, entry 0 (the background's, when dark) is transparent.
        ramp = np.round(np.linspace(0, 255, top + 1)).astype(np.uint8)
        extra = png_chunk(b"PLTE", np.repeat(ramp, 3).tobytes())
        extra += png_chunk(b"tRNS", b"\x00" + b"\xff" * top) if rng.random() < 0.5 else b""
        return np.round(gray * top).astype(np.int64)[..., np.newaxis], extra
    value = np.round(gray * top).astype(np.int64)
    key = png_chunk(b"tRNS", struct.pack(">H", top) * (1 if colour == 0 else 3)) if rng.random() < 0.2 else b""
    return np.dstack([value] * (1 if colour == 0 else 3)), key


def png_raw(rng, count):
    """Hand-written PNGs of every colour type and bit depth, interlaced or not, filtered and split at random."""
    inputs = []
    for i in range(count):
        colour, depth = PNG_LAYOUTS[i % len(PNG_LAYOUTS)]
        size, interlace = random_size(rng, 16, 320), bool(rng.integers(2))
        samples, extra = png_samples(coverage(rng, size, int(rng.integers(2, 41))), colour, depth, rng)
        name = f"png-raw/{i:04d}-type{colour}-{depth}bit{'-adam7' if interlace else ''}-{size[0]}x{size[1]}"
        inputs.append((name, png_file(samples, depth, colour, rng, interlace, extra)))
    return inputs


def jpegs(rng, count):
    """JPEGs of drawings and photos, 100-1600 px (libjpeg's draft scaling), L, RGB and CMYK."""
    inputs = []
    for i in range(count):
        size = random_size(rng, 100, 1600)
        kind = "photo" if i % 2 else "drawing"
        gray = photo(rng, size) if i % 2 else contrast_gray(CONTRASTS[i % 4], rng, coverage(rng, size))
        mode = ("L", "RGB", "RGB", "CMYK")[i % 4]
        options = {"quality": int(rng.integers(50, 96)), "progressive": i % 3 == 0, "subsampling": int(rng.integers(0, 3))}
        data = encode(Image.fromarray(to_uint8(gray)).convert(mode), "JPEG", **options)
        inputs.append((f"jpeg/{i:04d}-{kind}-{mode}-{size[0]}x{size[1]}", data))
    return inputs


def photos(rng, count):
    """Photos with uneven lighting (the background-subtraction path), as PNG, JPEG, data URL and arrays."""
    inputs = []
    for i in range(count):
        size = random_size(rng, 120, 900 if i % 5 < 3 else 500)
        gray = photo(rng, size)
        kind = ("png-L", "png-RGB", "jpeg", "float-array", "rgb-array")[i % 5]
        value = {
            "png-L": lambda: encode(Image.fromarray(to_uint8(gray))),
            "png-RGB": lambda: encode(Image.fromarray(to_uint8(gray)).convert("RGB")),
            "jpeg": lambda: data_url(encode(Image.fromarray(to_uint8(gray)), "JPEG", quality=85), "image/jpeg"),
            "float-array": lambda: gray.astype(np.float32),
            "rgb-array": lambda: np.dstack([to_uint8(gray)] * 3),
        }[kind]()
        inputs.append((f"photo/{i:04d}-{kind}-{size[0]}x{size[1]}", value))
    return inputs


def webp_gif(rng, count):
    """WebP (lossless, lossy, with alpha, animated) and GIF (opaque, transparent, animated)."""
    kinds = ("webp-lossless-rgba", "webp-lossy-rgb", "webp-lossy-rgba", "webp-animated", "gif-opaque", "gif-transparent", "gif-animated")
    inputs = []
    for i in range(count):
        kind = kinds[i % len(kinds)]
        canvas = drawn(rng, int(rng.integers(2, 41)))
        flat = Image.fromarray(to_uint8(contrast_gray(CONTRASTS[i % 4], rng, coverage(rng))))
        fmt = "WEBP" if kind.startswith("webp") else "GIF"
        options = {"lossless": True} if kind == "webp-lossless-rgba" else {"quality": int(rng.integers(50, 96))} if fmt == "WEBP" else {}
        image = flat.convert("RGB") if kind in ("webp-lossy-rgb", "gif-opaque") else canvas
        if kind.endswith("animated"):
            options.update(save_all=True, append_images=[drawn(rng), flat.convert("RGBA")], duration=100, loop=0)
        inputs.append((f"webp-gif/{i:04d}-{kind}", encode(image, fmt, **options)))
    return inputs


def array_layout(layout: str, gray: np.ndarray, rng):
    """An image (floats 0-1) as one of the NumPy layouts callers pass."""
    g255, tint = gray * 255, rng.uniform(0.8, 1.0, 3)
    return {
        "uint8-28": lambda: to_uint8(gray),
        "unit-float-28": lambda: gray.astype(np.float32),
        "float-255-28": lambda: g255.astype(np.float64),
        "28x28x1": lambda: to_uint8(gray)[..., np.newaxis],
        "flat-28x28": lambda: to_uint8(gray).ravel(),
        "rgb-uint8": lambda: to_uint8(gray[..., np.newaxis] * tint),
        "rgb-float": lambda: (gray[..., np.newaxis] * tint).astype(np.float32),
        "rgba-canvas": lambda: np.dstack([np.zeros((*gray.shape, 3), np.uint8), to_uint8(1 - gray)]),  # Ink only in alpha.
        "la": lambda: np.dstack([to_uint8(gray), to_uint8(rng.uniform(0.5, 1, gray.shape))]),
        "uint8": lambda: to_uint8(gray),
        "uint16": lambda: np.round(gray * 65535).astype(np.uint16),
        "int32": lambda: np.round(g255).astype(np.int32) - int(rng.integers(0, 3)),
        "float16": lambda: gray.astype(np.float16),
        "float-over-1": lambda: gray * 1.02,  # Just over 1, so the values are read as 0-255.
        "bool": lambda: gray > 0.5,
        "fortran": lambda: np.asfortranarray(to_uint8(gray)),
        "transposed": lambda: Prepared("transposed", to_uint8(gray).T.copy()),
    }[layout]()


def arrays(rng, count):
    """NumPy arrays: 28x28 and other sizes, every dtype, 1-4 channels, strided views."""
    inputs = []
    for i in range(count):
        layout = ARRAY_LAYOUTS[i % len(ARRAY_LAYOUTS)]
        size = (28, 28) if "28" in layout else random_size(rng, 8, 400)
        ink = coverage(rng, size, int(rng.integers(2, 41)))
        gray = ink if rng.random() < 0.5 else 1 - ink
        inputs.append((f"arrays/{i:04d}-{layout}-{size[0]}x{size[1]}", array_layout(layout, gray, rng)))
    return inputs


def mnist_layout(layout: str, digit: np.ndarray):
    """An MNIST digit (uint8, ink high) in one of the shapes callers send it."""
    png = encode(Image.fromarray(digit)) if "png" in layout or layout == "data-url" else b""
    return {
        "array": lambda: digit,
        "list-int": lambda: digit.ravel().tolist(),
        "list-float": lambda: (digit.ravel() / 1.0).tolist(),
        "tuple": lambda: tuple(digit.ravel().tolist()),
        "flat": lambda: digit.ravel(),
        "png": lambda: png,
        "inverted-png": lambda: encode(Image.fromarray(255 - digit)),
        "unit-float": lambda: digit.astype(np.float32) / 255,
        "list-np-uint8": lambda: list(digit.ravel()),
        "data-url": lambda: data_url(png),
        "transposed": lambda: Prepared("transposed", digit.T.copy()),
    }[layout]()


def mnist_digits(rng, count):
    """MNIST digits from tests/data/mnist-sample as arrays, 784-value lists and tuples, PNG and data URLs."""
    from ml.mnist import read_idx

    folder = ROOT / "tests" / "data" / "mnist-sample"
    images = np.concatenate([read_idx(folder / "t10k-images-idx3-ubyte.gz"), read_idx(folder / "train-images-idx3-ubyte.gz")])
    inputs = []
    for i in range(count):
        index, layout = int(rng.integers(len(images))), MNIST_LAYOUTS[i % len(MNIST_LAYOUTS)]
        inputs.append((f"mnist/{i:04d}-{index}-{layout}", mnist_layout(layout, images[index])))
    return inputs


def pillow_images(rng, count):
    """Pillow images: lazily opened PNG, JPEG, GIF and WebP, or a PNG converted to each mode Pillow has."""
    inputs = []
    for i in range(count):
        mode = PILLOW_MODES[i % len(PILLOW_MODES)]
        fmt = "PNG" if mode else ("PNG", "JPEG", "GIF", "WEBP")[i // len(PILLOW_MODES) % 4]
        # Modes with alpha come from a canvas (Pillow makes the premultiplied ones from RGBA only); others
        # from an opaque drawing, which stays visible without its alpha.
        canvas = mode in ALPHA_MODES or (mode is None and fmt != "JPEG")
        image = drawn(rng) if canvas else Image.fromarray(to_uint8(contrast_gray(CONTRASTS[i % 3], rng, coverage(rng))))
        inputs.append((f"pillow/{i:04d}-{mode or 'lazy'}-{fmt}-{'canvas' if canvas else 'opaque'}", Prepared("pillow", (encode(image, fmt), mode))))
    for i in range(max(1, count // 6)):
        mode = list(RAW_MODES)[i % len(RAW_MODES)]
        gray = contrast_gray(CONTRASTS[i % 3], rng, coverage(rng, random_size(rng, 28, 400)))
        values = gray if mode == "F" else np.round(np.clip(gray, 0, 1) * 65535)
        payload = (mode, gray.shape[::-1], values.astype(RAW_MODES[mode]).tobytes())
        inputs.append((f"pillow/raw-{i:04d}-{mode}-{gray.shape[1]}x{gray.shape[0]}", Prepared("frombytes", payload)))
    return inputs


# Category name: (generator, weight). --count random inputs are shared out by weight.
RANDOM_CATEGORIES = {
    "canvas-png": (canvas_png, 150),
    "canvas-dataurl": (canvas_data_url, 100),
    "canvas-sizes": (canvas_sizes, 120),
    "canvas-border": (canvas_border, 80),
    "canvas-downscaled": (canvas_downscaled, 110),
    "canvas-ink": (canvas_ink, 120),
    "canvas-specks": (canvas_specks, 70),
    "canvas-tiny": (canvas_tiny, 40),
    "opaque": (opaque, 140),
    "png-raw": (png_raw, 100),
    "jpeg": (jpegs, 70),
    "photo": (photos, 60),
    "webp-gif": (webp_gif, 50),
    "arrays": (arrays, 110),
    "mnist": (mnist_digits, 100),
    "pillow": (pillow_images, 60),
}
