"""Charts drawn on the server as SVG: a title and a description for screen readers, no script.
The data table always sits beside the chart on the page."""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

from oocd_panel.evaluation.rates import Ratio
from oocd_panel.evaluation.suppression import Cell

BLUE = "#1d70b8"
GREEN = "#00703c"
GREY = "#505a5f"
WIDTH = 640


def short(label: str, limit: int = 30) -> str:
    """A label that fits beside a chart (the table beside it has the full one)."""
    if len(label) <= limit:
        return label
    head = label.split(",")[0]
    return head if len(head) <= limit else head[: limit - 1] + "\u2026"


def _frame(title: str, description: str, height: int, body: str, ident: str) -> Markup:
    # Every text placed in the markup above and below went through escape().
    return Markup(  # noqa: S704
        f'<svg class="app-chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="Arial, sans-serif" '
        'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(description)}</desc>{body}</svg>'
    )


def bar_chart(
    ident: str, title: str, description: str, items: Sequence[tuple[str, Cell]]
) -> Markup:
    """Horizontal bars; a suppressed count is drawn as no bar, labelled as published."""
    row, left, right = 28, 220, 80
    values = [v for _, v in items if isinstance(v, int)]
    top = max(values, default=0) or 1
    parts = []
    for i, (label, value) in enumerate(items):
        y = 10 + i * row
        parts.append(
            f'<text x="{left - 8}" y="{y + 17}" text-anchor="end" font-size="14" '
            f'fill="#0b0c0c">{escape(short(label))}</text>'
        )
        if isinstance(value, int) and value > 0:
            width = (WIDTH - left - right) * value / top
            parts.append(
                f'<rect x="{left}" y="{y + 4}" width="{width:.1f}" height="18" '
                f'fill="{BLUE}"></rect>'
            )
        else:
            width = 0
        shown = f"{value:,}" if isinstance(value, int) else str(value)
        parts.append(
            f'<text x="{left + width + 6:.1f}" y="{y + 17}" font-size="14" '
            f'fill="#0b0c0c">{escape(shown)}</text>'
        )
    return _frame(title, description, 20 + len(items) * row, "".join(parts), ident)


def ratio_chart(
    ident: str, title: str, description: str, rows: Sequence[tuple[str, Ratio, Ratio]]
) -> Markup:
    """Each group's raw (blue) and adjusted (green) ratio with its 95% interval, on a log scale
    from 1/8 to 8; the line at 1 is parity with the reference group."""
    row, left, right = 40, 220, 20
    low, high = math.log(1 / 8), math.log(8)
    span = WIDTH - left - right

    def x(value: float) -> float:
        clipped = min(max(math.log(value), low), high)
        return left + span * (clipped - low) / (high - low)

    parts = [
        f'<line x1="{x(1):.1f}" y1="0" x2="{x(1):.1f}" y2="{20 + len(rows) * row}" '
        f'stroke="{GREY}" stroke-dasharray="4 3"></line>'
    ]
    for tick in (0.125, 0.25, 0.5, 1, 2, 4, 8):
        label = f"{tick:g}" if tick >= 1 else f"1/{round(1 / tick)}"
        parts.append(
            f'<text x="{x(tick):.1f}" y="{32 + len(rows) * row}" text-anchor="middle" '
            f'font-size="12" fill="{GREY}">{label}</text>'
        )
    for i, (label, raw, adjusted) in enumerate(rows):
        y = 12 + i * row
        parts.append(
            f'<text x="{left - 8}" y="{y + 16}" text-anchor="end" font-size="14" '
            f'fill="#0b0c0c">{escape(short(label))}</text>'
        )
        for offset, ratio, colour in ((8, raw, BLUE), (22, adjusted, GREEN)):
            if ratio.value is None:
                continue
            if ratio.low is not None and ratio.high is not None:
                parts.append(
                    f'<line x1="{x(ratio.low):.1f}" y1="{y + offset}" x2="{x(ratio.high):.1f}" '
                    f'y2="{y + offset}" stroke="{colour}" stroke-width="2"></line>'
                )
            parts.append(
                f'<circle cx="{x(ratio.value):.1f}" cy="{y + offset}" r="5" '
                f'fill="{colour}"></circle>'
            )
    legend_y = 52 + len(rows) * row
    parts.append(
        f'<circle cx="{left}" cy="{legend_y - 4}" r="5" fill="{BLUE}"></circle>'
        f'<text x="{left + 10}" y="{legend_y}" font-size="13" fill="#0b0c0c">Raw ratio</text>'
        f'<circle cx="{left + 110}" cy="{legend_y - 4}" r="5" fill="{GREEN}"></circle>'
        f'<text x="{left + 120}" y="{legend_y}" font-size="13" fill="#0b0c0c">'
        "Adjusted for gravity</text>"
    )
    return _frame(title, description, 62 + len(rows) * row, "".join(parts), ident)
