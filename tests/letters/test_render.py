"""Making a letter's PDF leaves the process as it found it: the cycle collector, paused while
WeasyPrint lays the letter out, runs again afterwards, even when the PDF could not be made."""

from __future__ import annotations

import gc

import pytest

from oocd_panel.letters import render


def test_the_collector_runs_again_after_a_pdf_and_after_a_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert gc.isenabled()
    pdf = render.to_pdf("<!DOCTYPE html><html lang='en'><body><p>Dear Sam,</p></body></html>")
    assert pdf.startswith(b"%PDF")
    assert gc.isenabled()

    def broken(*_args: object, **_kwargs: object) -> object:
        raise OSError("no fonts")

    monkeypatch.setattr("weasyprint.HTML.write_pdf", broken)
    with pytest.raises(OSError, match="no fonts"):
        render.to_pdf("<p>x</p>")
    assert gc.isenabled()


def test_a_caller_that_paused_the_collector_finds_it_still_paused() -> None:
    gc.disable()
    try:
        render.to_pdf("<!DOCTYPE html><html lang='en'><body><p>Dear Sam,</p></body></html>")
        assert not gc.isenabled()
    finally:
        gc.enable()
