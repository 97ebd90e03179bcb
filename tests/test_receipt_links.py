"""The page where a guest types a receipt code is linked from every page and from the
testimony help page, in each language."""

import pytest


@pytest.mark.parametrize(
    ("lang", "label"),
    [("fr", "J’ai un code de reçu"), ("en", "I have a receipt code"), ("ar", "لديّ رمز إيصال")],
)
@pytest.mark.parametrize("url", ["/", "/aide/temoigner"])
def test_the_receipt_page_is_linked(client, url, lang, label):
    html = client.get(f"{url}?lang={lang}").get_data(as_text=True)
    assert f'<a href="/recu">{label}</a>' in html
