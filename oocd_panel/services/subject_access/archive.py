"""The subject access ZIP: `README.txt`, `record.json`, `summary.html` and the letters' PDFs."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from html import escape
from typing import Any

from oocd_panel.services.subject_access.record import SubjectAccess

README = """\
Subject access export: everything {service} holds about one child.

  record.json    the whole record, machine-readable
  summary.html   the same, to read in any web browser
  letters/       every letter issued to the child and their parents or carers, as sent (PDF)

Made {made_at} by {made_by}.

Before you disclose it: this export is complete, so it includes information about other people
(parents and carers, victims, police officers, staff, panel members and what they said). Check
with your data protection lead what the law requires you to withhold or redact first.
"""


def to_zip(access: SubjectAccess) -> bytes:
    about = access.record["about_this_export"]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(**about).replace("\n", "\r\n"))
        archive.writestr(
            "record.json", json.dumps(access.record, indent=2, ensure_ascii=False, default=str)
        )
        archive.writestr("summary.html", summary_html(access.record))
        for letter in access.letters:
            archive.writestr(letter.path, letter.pdf)
    return out.getvalue()


def _heading(key: str) -> str:
    text = key.replace("_", " ")
    return text[:1].upper() + text[1:]


def _value(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "<span class='none'>None recorded</span>"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, Mapping):
        rows = "".join(
            f"<tr><th scope='row'>{escape(_heading(str(k)))}</th><td>{_value(v)}</td></tr>"
            for k, v in value.items()
        )
        return f"<table>{rows}</table>"
    if isinstance(value, list):
        if all(not isinstance(v, Mapping | list) for v in value):
            return escape(", ".join(str(v) for v in value))
        return "".join(f"<div class='item'>{_value(v)}</div>" for v in value)
    return escape(str(value)).replace("\n", "<br>")


def summary_html(record: Mapping[str, Any]) -> str:
    """The record as a plain HTML page: a heading per part, each case under its reference."""
    child = record["child"]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Everything held about {escape(child['first_name'])} "
        f"{escape(child['last_name'])}</title>",
        "<style>body{font-family:Arial,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse;width:100%;margin:.5em 0}"
        "th,td{border:1px solid #b1b4b6;padding:.3em .5em;text-align:left;vertical-align:top}"
        "th{width:30%;background:#f3f2f1}.item{border-left:4px solid #1d70b8;padding-left:.5em;"
        "margin:.5em 0}.none{color:#505a5f}</style></head><body>",
        f"<h1>Everything held about {escape(child['first_name'])} "
        f"{escape(child['last_name'])}</h1>",
    ]
    for key, value in record.items():
        if key == "cases":
            parts.append("<h2>Cases</h2>")
            for case in value:
                parts.append(f"<h3>Case {escape(str(case['police_reference']))}</h3>")
                facts = {k: v for k, v in case.items() if not isinstance(v, Mapping | list)}
                parts.append(_value(facts))
                for part, content in case.items():
                    if part not in facts:
                        parts.append(f"<h4>{escape(_heading(part))}</h4>{_value(content)}")
            if not value:
                parts.append(_value(value))
        else:
            parts.append(f"<h2>{escape(_heading(key))}</h2>{_value(value)}")
    parts.append("</body></html>")
    return "\n".join(parts)
