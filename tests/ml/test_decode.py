"""ml.decode: every accepted input form becomes the same grayscale image; bad input gets a clear error."""

import base64
import functools
import io
import time

import numpy as np
import pytest
from PIL import Image, ImageFile, PngImagePlugin

from ml import errors
from ml.decode import to_grayscale
from tests.ml.drawings import BLACK, blank, canvas_drawing, data_url, draw_digit, encode

JPEG_TOLERANCE = 0.03  # Mean absolute difference that JPEG's compression may add.


def reference() -> np.ndarray:
    return np.asarray(draw_digit("7"), dtype=np.float32) / 255.0


def assert_matches_reference(gray: np.ndarray, tolerance: float = 0.0) -> None:
    assert gray.shape == (280, 280) and gray.dtype == np.float32
    assert np.abs(gray - reference()).mean() <= tolerance + 1e-3


@functools.cache
def oversized_png() -> bytes:
    return encode(Image.new("1", (8000, 8000), 1))


def png_without_iend() -> bytes:
    png = encode(draw_digit("7"))
    assert png.endswith(b"IEND\xaeB`\x82")
    return png[:-12]


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "GIF"])
def test_lossless_formats_decode_to_the_drawn_pixels(fmt):
    assert_matches_reference(to_grayscale(encode(draw_digit("7"), fmt, **({"lossless": True} if fmt == "WEBP" else {}))))


def test_jpeg_decodes_to_nearly_the_drawn_pixels():
    assert_matches_reference(to_grayscale(encode(draw_digit("7"), "JPEG", quality=90)), JPEG_TOLERANCE)


def test_data_url_decodes_like_the_bytes():
    assert_matches_reference(to_grayscale(data_url(encode(draw_digit("7")))))


def test_bare_base64_decodes_like_the_bytes():
    assert_matches_reference(to_grayscale(base64.b64encode(encode(draw_digit("7"))).decode()))


def test_base64_with_line_breaks_is_accepted():
    text = base64.encodebytes(encode(draw_digit("7"))).decode()
    assert "\n" in text.strip()
    assert_matches_reference(to_grayscale(text))


def test_pillow_image_decodes_to_its_pixels():
    assert_matches_reference(to_grayscale(draw_digit("7")))


def test_uint8_array_is_scaled_to_unit_range():
    assert_matches_reference(to_grayscale(np.asarray(draw_digit("7"))))


def test_float_array_in_unit_range_is_kept():
    assert_matches_reference(to_grayscale(reference()))


def test_rgb_array_is_converted_like_an_rgb_image():
    assert_matches_reference(to_grayscale(np.asarray(draw_digit("7", mode="RGB", ink=(0, 0, 0), background=(255, 255, 255)))))


def test_rgba_canvas_array_is_composited_on_white():
    assert_matches_reference(to_grayscale(np.asarray(canvas_drawing("7"))))


def test_single_channel_array_is_squeezed():
    assert_matches_reference(to_grayscale(reference()[..., np.newaxis]))


def test_flat_784_array_is_a_28x28_image():
    assert to_grayscale(np.zeros(784, np.uint8)).shape == (28, 28)


def test_pixel_list_is_a_28x28_image_scaled_from_0_255():
    pixels = [0] * 784
    pixels[28 * 5 + 3] = 255
    pixels[28 * 6 + 4] = 127.5
    gray = to_grayscale(pixels)
    assert gray.shape == (28, 28) and gray[5, 3] == 1.0 and gray[6, 4] == pytest.approx(0.5)


def test_black_ink_on_transparent_canvas_is_composited_on_white():
    # convert("L") alone would make this whole image black.
    assert_matches_reference(to_grayscale(encode(canvas_drawing("7"))))


def test_light_ink_on_transparent_background_is_composited_on_black():
    gray = to_grayscale(encode(canvas_drawing("7", ink=(255, 255, 255, 255))))
    assert np.abs(gray - (1.0 - reference())).mean() < 1e-3


def test_la_image_with_transparent_background_is_composited():
    assert_matches_reference(to_grayscale(draw_digit("7", mode="LA", ink=(BLACK, 255), background=(BLACK, 0))))


def test_premultiplied_la_image_is_composited_like_la():
    # Pillow converts "La" (alpha premultiplied) to "LA" but to nothing else.
    la = draw_digit("7", mode="LA", ink=(BLACK, 255), background=(BLACK, 0))
    assert np.array_equal(to_grayscale(la.convert("La")), to_grayscale(la))


@pytest.mark.parametrize("fmt", ["PNG", "GIF"])
def test_palette_image_with_transparent_index_is_composited(fmt):
    image = draw_digit("7", mode="P", ink=1, background=0)
    image.putpalette([0, 0, 0] * 2)  # Transparent black background, black ink: like a canvas.
    image.info["transparency"] = 0
    assert_matches_reference(to_grayscale(encode(image, fmt, transparency=0)))


def test_sixteen_bit_png_is_scaled_from_0_65535():
    image = Image.fromarray(np.asarray(draw_digit("7"), dtype=np.uint16) * 257)
    data = encode(image)
    assert Image.open(io.BytesIO(data)).mode == "I;16"
    assert_matches_reference(to_grayscale(data))


def test_one_bit_image_is_black_and_white():
    assert_matches_reference(to_grayscale(draw_digit("7", mode="1", ink=0, background=1)))


def test_cmyk_image_is_converted_to_gray():
    assert_matches_reference(to_grayscale(draw_digit("7", mode="CMYK", ink=(0, 0, 0, 255), background=(0, 0, 0, 0))))


def test_float_mode_image_in_unit_range_is_kept():
    assert_matches_reference(to_grayscale(Image.fromarray(reference(), mode="F")))


def test_exif_orientation_of_a_photo_is_applied():
    upright = draw_digit("7")
    exif = Image.Exif()
    exif[0x0112] = 6  # "Rotate 90° clockwise to display", as phones store portrait photos.
    stored = encode(upright.rotate(90), "JPEG", quality=95, exif=exif)
    assert_matches_reference(to_grayscale(stored), JPEG_TOLERANCE)


def test_longest_shrinks_large_images_keeping_aspect_ratio():
    image = draw_digit("7").resize((1200, 600))
    assert to_grayscale(image, longest=256).shape == (120, 240)  # Reduced 5x: 1200 / 5 <= 256.
    # JPEG is decoded at half size (600x300, libjpeg keeps both sides >= 256), then reduced 3x.
    assert to_grayscale(encode(image, "JPEG"), longest=256).shape == (100, 200)


def test_shrinking_averages_whole_blocks():
    stripes = np.tile(np.array([0, 255], np.uint8), (300, 150))  # One-pixel vertical stripes.
    shrunk = to_grayscale(stripes, longest=160)
    assert shrunk.shape == (150, 150)
    assert np.allclose(shrunk, 0.5, atol=1 / 255)  # Each output pixel is the mean of 2x2 pixels.


def test_longest_leaves_small_images_alone():
    assert to_grayscale(np.zeros((28, 28), np.uint8), longest=256).shape == (28, 28)


@pytest.mark.parametrize(
    "source",
    [
        "not base64 at all!",
        "data:image/png,notbase64",
        "data:image/png;base64",
        b"",
    ],
)
def test_undecodable_text_or_bytes_are_refused(source):
    with pytest.raises(errors.UndecodableImage):
        to_grayscale(source)


@pytest.mark.parametrize(
    "source",
    [
        b"just some text, not an image",
        b'<svg xmlns="http://www.w3.org/2000/svg" width="28" height="28"><circle r="9"/></svg>',
        data_url(b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"),
        encode(draw_digit("7"), "BMP"),
    ],
)
def test_other_file_types_are_unsupported(source):
    with pytest.raises(errors.UnsupportedImageType) as caught:
        to_grayscale(source)
    assert caught.value.status == 415


def test_truncated_png_is_refused():
    png = encode(draw_digit("7"))
    with pytest.raises(errors.UndecodableImage):
        to_grayscale(png[: len(png) // 2])


def test_png_missing_its_iend_chunk_is_refused():
    with pytest.raises(errors.UndecodableImage, match="incomplete"):
        to_grayscale(png_without_iend())


def test_png_with_a_corrupt_checksum_is_refused():
    png = bytearray(encode(draw_digit("7")))
    png[-16] ^= 0xFF  # Inside the last IDAT chunk's CRC.
    with pytest.raises(errors.UndecodableImage):
        to_grayscale(bytes(png))


def test_truncated_jpeg_is_refused():
    jpeg = encode(draw_digit("7"), "JPEG")
    with pytest.raises(errors.UndecodableImage):
        to_grayscale(jpeg[: len(jpeg) // 2])


def test_oversized_png_is_refused_before_decoding(monkeypatch):
    data = oversized_png()
    assert len(data) < 100_000

    def decode_attempted(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", decode_attempted)
    started = time.perf_counter()
    with pytest.raises(errors.ImageTooLarge, match="8000x8000") as caught:
        to_grayscale(data)
    assert time.perf_counter() - started < 0.5
    assert caught.value.status == 413 and caught.value.code == "image_too_large"


@pytest.mark.parametrize("fmt", ["WEBP", "JPEG", "GIF"])
def test_other_formats_over_the_pixel_limit_are_refused(fmt):
    with pytest.raises(errors.ImageTooLarge):
        to_grayscale(encode(blank(side=300), fmt), max_pixels=200 * 200)


def test_oversized_pillow_image_and_array_are_refused():
    with pytest.raises(errors.ImageTooLarge):
        to_grayscale(blank(side=600), max_pixels=500 * 500)
    with pytest.raises(errors.ImageTooLarge):
        to_grayscale(np.zeros((600, 600), np.uint8), max_pixels=500 * 500)


@pytest.mark.parametrize(
    "pixels",
    [
        [0] * 783,
        [0] * 785,
        [0] * 783 + [float("nan")],
        [0] * 783 + [float("inf")],
        [0] * 783 + [-1],
        [0] * 783 + [256],
        [0] * 783 + ["12"],
        [0] * 783 + [None],
        [0] * 783 + [[0]],
        [0] * 783 + [True],
        [False] * 784,
    ],
    ids=["783", "785", "nan", "inf", "negative", "over-255", "string", "none", "nested", "bool", "all-bools"],
)
def test_bad_pixel_lists_are_refused(pixels):
    with pytest.raises(errors.InvalidPixels) as caught:
        to_grayscale(pixels)
    assert caught.value.code == "invalid_pixels" and caught.value.status == 400


@pytest.mark.parametrize(
    "array",
    [
        np.full((28, 28), "a"),
        np.zeros((28, 28, 5)),
        np.zeros((2, 28, 28, 1)),
        np.zeros((0, 28)),
        np.full((28, 28), np.nan),
    ],
    ids=["strings", "five-channels", "batch", "empty", "nan"],
)
def test_bad_arrays_are_refused(array):
    with pytest.raises(errors.InvalidPixels):
        to_grayscale(array)


@pytest.mark.parametrize("source", [None, 42, {"image": "x"}])
def test_other_python_objects_are_unsupported(source):
    with pytest.raises(errors.UnsupportedImageType):
        to_grayscale(source)


def test_every_input_error_is_a_value_error_with_a_sentence():
    with pytest.raises(ValueError) as caught:
        to_grayscale("data:image/png,x")
    assert isinstance(caught.value, errors.InputError)
    assert str(caught.value).endswith(".")


def test_float_image_with_nan_pixels_is_invalid_pixels():
    with pytest.raises(errors.InvalidPixels):
        to_grayscale(Image.fromarray(np.full((28, 28), np.nan, np.float32), mode="F"))


def _png_variants() -> dict:
    """PNGs of every colour type and depth, some decoded by libspng and some by Pillow."""
    gray = draw_digit("7")
    canvas = canvas_drawing("7", ink=(40, 90, 200, 230))
    palette = gray.convert("P")
    return {
        "gray-8": encode(gray),
        "rgb-8": encode(draw_digit("7", mode="RGB", ink=(200, 30, 30), background=(250, 250, 240))),
        "rgba-8": encode(canvas),
        "rgba-8-light-ink": encode(canvas_drawing("7", ink=(255, 255, 255, 255))),
        "gray-alpha-8": encode(canvas.convert("LA")),
        "gray-16": encode(Image.fromarray(np.asarray(gray, dtype=np.uint16) * 257)),
        "palette": encode(palette),
        "palette-transparent": encode(palette, "PNG", transparency=255),
        "1-bit": encode(gray.convert("1")),
        "gray-8-rotated-by-exif": encode(gray, "PNG", exif=_orientation(6)),
        "gray-8-rotated-by-xmp": encode(gray, "PNG", pnginfo=_text_chunk("XML:com.adobe.xmp", _XMP_ROTATED, compressed=True)),
        "gray-8-rotated-by-exif-text": encode(gray, "PNG", pnginfo=_text_chunk("Raw profile type exif", _exif_text(6))),
    }


_XMP_ROTATED = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="6"/></rdf:RDF></x:xmpmeta>'
)


def _text_chunk(key: str, value: str, compressed: bool = False) -> PngImagePlugin.PngInfo:
    info = PngImagePlugin.PngInfo()
    info.add_itxt(key, value, zip=compressed)
    return info


def _exif_text(orientation: int) -> str:
    """EXIF as ImageMagick and exiftool write it into a PNG text chunk: hex after a small header."""
    exif = _orientation(orientation)
    return f"\nexif\n{len(exif):8d}\n{exif.hex()}"


def _orientation(value: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


LIBSPNG_DECODES = {"gray-8", "rgb-8", "rgba-8", "rgba-8-light-ink"}


@pytest.mark.parametrize("name", list(_png_variants()))
def test_png_bytes_decode_like_pillows_decoder(name, monkeypatch):
    import pyspng

    png, calls, load = _png_variants()[name], [], pyspng.load
    monkeypatch.setattr(pyspng, "load", lambda data, format=None: calls.append(format) or load(data, format=format))
    # A Pillow image takes the Pillow path; the same bytes take libspng's where it applies.
    expected = to_grayscale(Image.open(io.BytesIO(png)), longest=160)
    assert np.array_equal(to_grayscale(png, longest=160), expected)
    assert bool(calls) == (name in LIBSPNG_DECODES)


def test_png_that_libspng_refuses_is_left_to_pillow(monkeypatch):
    import pyspng

    calls = []

    def refuse(data, format=None):
        calls.append(format)
        raise RuntimeError("pyspng: could not decode image")

    monkeypatch.setattr(pyspng, "load", refuse)
    assert_matches_reference(to_grayscale(encode(draw_digit("7"))))
    assert calls == ["L"]
