"""The feedback block a letter ends with: its words plain enough for the child's letters, the
link and its QR code together, and a preview that says where they will go."""

from __future__ import annotations

import base64
import io

import segno
from PIL import Image

from oocd_panel.catalogue.feedback import QUESTIONS
from oocd_panel.letters import readability
from oocd_panel.letters.feedback import PREVIEW, WORDS, FeedbackBlock, qr_svg


def test_the_blocks_words_and_the_questions_are_for_a_reading_age_of_about_9() -> None:
    texts = [f"{WORDS.heading}.", *WORDS.lines, WORDS.how, WORDS.qr_text, WORDS.not_yet]
    texts += [q.text for q in QUESTIONS]
    assert readability.grade(" ".join(texts)) <= 4
    for text in texts:
        for sentence in readability.sentences(text):
            assert readability.word_count(sentence) <= 15, sentence


def test_the_qr_code_is_drawn_from_the_link_itself() -> None:
    url = "https://panel.example/f/K7M3PQ9X2R"
    block = FeedbackBlock(url)
    assert block.qr == qr_svg(url)
    assert str(block.qr).startswith('<svg viewBox="0 0 ')
    assert "app-letter__qr-code" in str(block.qr)
    assert qr_svg(url) != qr_svg(url.replace("K7M3", "K7M4"))
    assert PREVIEW.url is None
    assert PREVIEW.qr is None


def test_the_printed_qr_code_is_the_same_code_one_pixel_a_module() -> None:
    url = "https://panel.example/f/K7M3PQ9X2R"
    image_uri = FeedbackBlock(url).qr_image
    assert image_uri is not None
    assert image_uri.startswith("data:image/png;base64,")
    with Image.open(io.BytesIO(base64.b64decode(image_uri.split(",", 1)[1]))) as image:
        pixels = image.convert("L")
        matrix = segno.make(url, error="m").matrix
        border = 2
        assert pixels.size == (len(matrix[0]) + 2 * border, len(matrix) + 2 * border)
        for y, row in enumerate(matrix):
            for x, module in enumerate(row):
                assert (pixels.getpixel((x + border, y + border)) == 0) == bool(module), (x, y)
    assert PREVIEW.qr_image is None
