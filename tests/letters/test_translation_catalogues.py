"""The message catalogues: complete, current, and guarded (a translation that drops or adds a
placeholder is refused when the catalogue is loaded, and its letter cannot be written)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from oocd_panel.letters import editions, languages
from oocd_panel.letters.compose import Variant, recipients
from oocd_panel.letters.wording import apply
from oocd_panel.models import ReferralStatus
from oocd_panel.plumbing.config import PROJECT_ROOT
from tests.factories import Factory

POT = languages.TRANSLATIONS_DIR / "messages.pot"


def _extracted() -> set[str]:
    with (PROJECT_ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    return {m[2] for m in extract_from_dir(str(PROJECT_ROOT), method_map, options_map)}


def test_the_template_is_current_and_every_text_is_translated_in_every_language() -> None:
    extracted = _extracted()
    with POT.open("rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    assert template == extracted, "run `make translations` and translate what is new"
    for code in languages.TRANSLATED:
        catalogue = languages.read_catalogue(code)
        assert catalogue.refused == (), code
        assert catalogue.untranslated == (), code
        assert set(catalogue.messages) == extracted, code


@pytest.mark.parametrize("code", languages.TRANSLATED)
def test_every_shipped_translation_keeps_its_placeholders(code: str) -> None:
    with languages.po_path(code).open("rb") as handle:
        for message in read_po(handle):
            if message.id:
                assert languages.placeholders(message.id) == languages.placeholders(
                    message.string
                ), message.id
                assert languages.placeholder_problem(message.id, message.string) is None


def _tampered(tmp_path: Path, replace: dict[str, str], fuzzy: str = "") -> Path:
    text = languages.po_path("cy").read_text()
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    if fuzzy:
        text = text.replace(f'msgid "{fuzzy}"', f'#, fuzzy\nmsgid "{fuzzy}"')
    path = tmp_path / "messages.po"
    path.write_text(text)
    return path


def test_a_translation_that_drops_adds_or_breaks_a_placeholder_is_refused(tmp_path: Path) -> None:
    path = _tampered(
        tmp_path,
        {
            'msgstr "Annwyl %(name)s,"': 'msgstr "Annwyl,"',
            'msgstr "Eich gweithiwr yw %(worker)s."': (
                'msgstr "Eich gweithiwr yw %(worker)s a %(phone)s."'
            ),
            'msgstr "Gofynnwch am %(worker)s."': 'msgstr "Gofynnwch am 100% %(worker)s."',
        },
        fuzzy="Who to contact",
    )
    catalogue = languages.read_catalogue("cy", path)
    why = {r.english: r.why for r in catalogue.refused}
    assert why == {
        "Dear %(name)s,": "it drops %(name)s",
        "Your worker is %(worker)s.": "it adds %(phone)s",
        "Ask for %(worker)s.": "it has a % that is not a placeholder like %(name)s",
        "Who to contact": "it is marked fuzzy (not checked)",
    }
    for english in why:
        assert english not in catalogue.messages
    assert "What happened" in catalogue.messages  # the rest still loads


def test_a_letter_needing_a_refused_translation_goes_in_english_with_the_sentence(
    factory: Factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    referral = factory.referral_at(ReferralStatus.DECIDED, disposal="youth_caution")
    path = _tampered(tmp_path, {'msgstr "Annwyl %(name)s,"': 'msgstr "Annwyl,"'})
    tampered = languages.read_catalogue("cy", path)
    monkeypatch.setattr(languages, "catalogue", lambda code: tampered)
    wording = apply("Northbrook", {"contact:phone": "01632 960 123"})
    recipient = next(r for r in recipients(referral) if r.variant is Variant.PARENT)
    wanted = editions.plan("Welsh", bilingual=False, approved={"cy"})
    edition = editions.make(referral, recipient, wording, wanted, today=dt.date(2026, 12, 4))
    assert edition.languages == ("en",)
    assert edition.pending == "cy"
    assert "the Welsh catalogue has no usable translation of \u201cDear %(name)s,\u201d" in (
        edition.why
    )
    assert edition.first.notice.startswith("Bydd llythyr yn Gymraeg")
