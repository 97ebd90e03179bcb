"""QR codes drawn as inline SVG (segno): no image file, no external request, nothing the
content security policy refuses (presentation attributes only, no style)."""

from functools import lru_cache

import segno
from markupsafe import Markup, escape


@lru_cache(maxsize=512)
def qr_svg(url: str, label: str) -> Markup:
    """The QR code of ``url`` as an ``<svg>`` element labelled for screen readers.

    Kept per URL and label: a logged-in reader's sheet is not in the page cache, and the
    drawing is the same for every reader."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(
        scale=1, border=4, omitsize=True, dark="#000", light="#fff", svgclass="qr-code"
    )
    # Black on a white quiet zone whatever the page's colours; never mirrored (no transform).
    labelled = f'<svg role="img" aria-label="{escape(label)}" '
    # segno draws the SVG from the URL's bits (no text of it inside); the label is escaped.
    return Markup(svg.replace("<svg ", labelled, 1))  # nosec B704
