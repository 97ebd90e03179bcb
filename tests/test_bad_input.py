"""Bad input, thrown by Hypothesis at every form and every listing and API parameter:
random and huge text, NUL and control characters, invalid UTF-8, repeated, missing and
unexpected fields. Never a 500, never a stack trace, and a refused form saves nothing.

The inputs are the same on every run (the "ci" profile, tests/conftest.py): a fixed seed,
after the failing examples kept in tests/.hypothesis-examples, and the inputs that once gave
a 500, as explicit examples. `make fuzz` draws many random ones (HYPOTHESIS_PROFILE=fuzz).
HYPOTHESIS_EXAMPLES sets the examples per form or page (few by default: the suite stays fast).
"""

from urllib.parse import quote_from_bytes

import pytest
from hypothesis import example
from hypothesis import strategies as st

from tests.conftest import run_hypothesis
from tests.test_permissions import (
    CASES,
    REDIRECT,
    ROLES,
    UNSUBSCRIBE_URL,
    _act_as,
    _fill,
    _snapshot,
    add_minutes,
    build_world,
)

MISSING = object()
TRICKY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31m\x7f",
    "\r\n\r\n",
    "\u202e\u200b\ufeff",
    "²",
    "١٢٣",
    "-1",
    "0",
    "99999999999999999999999",
    "2147483648",  # beyond PostgreSQL's INTEGER, the ids' type
    "9223372036854775808",
    "1e309",
    "NaN",
    "2031-02-30",
    "0000-00-00",
    "99999-12-31",
    "0001-01-01",  # Python's date arithmetic overflows at either end
    "9999-12-31",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00%ff",
    "x" * 10_000,
    "é" * (256 * 1024),  # 512 KB of two-byte characters (1.5 MB once form-encoded)
    "y" * (1024 * 1024),  # 1 MB
]
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
SCALAR = st.one_of(TEXT, st.sampled_from(TRICKY))
VALUE = st.one_of(SCALAR, st.lists(SCALAR, min_size=2, max_size=3))  # a list: repeated field
SMUGGLED = st.dictionaries(
    st.sampled_from(
        ["id", "author_id", "state", "version", "organisation_id", "theme_id", "role", "page"]
    ),
    VALUE,
    max_size=2,
)
POST_CASES = [case for case in CASES if case[0] == "POST"]
DATE_FIELDS = ("day", "due_on", "amendments_until")
URL_FOR_ARGUMENTS = [
    {"endpoint": "x"},
    {"_method": "POST"},
    {"_scheme": "x", "_external": ""},
    {"_anchor": "x", "page": "2"},
]


@pytest.fixture
def world(prebuilt, make_organisation, make_theme, make_proposal, make_user):
    """The permission matrix's world: its URLs and forms apply as they are."""

    def build():
        built = build_world(make_organisation, make_theme, make_proposal, make_user)
        add_minutes(built)
        return built

    return prebuilt(build)


def _role_for(expected: dict) -> str:
    """A role the route accepts (a redirect after success), else one that sees the form."""
    for wanted in (REDIRECT, 200):
        for role in ROLES[::-1]:
            if expected[role] == wanted:
                return role
    return "visitor"


def _mutated(form: dict):
    """Each field kept, replaced by something nasty, or left out; plus unexpected fields."""
    fields = {
        name: st.one_of(st.just(value), VALUE, st.just(MISSING)) for name, value in form.items()
    }
    return st.tuples(st.fixed_dictionaries(fields), SMUGGLED).map(
        lambda pair: {k: v for k, v in {**pair[0], **pair[1]}.items() if v is not MISSING}
    )


def _writes_on_200(url_template: str) -> bool:
    """The one-click unsubscribe answers 200 after doing its job (the matrix says so too)."""
    return url_template == UNSUBSCRIBE_URL


def _assert_handled(response) -> None:
    html = response.get_data().decode(errors="replace")  # the audio preview answers an MP3
    assert response.status_code < 500, html[:800]
    assert "Traceback" not in html and "sqlalchemy" not in html.lower()


@pytest.mark.parametrize(
    ("method", "endpoint", "url", "form", "expected"),
    POST_CASES,
    ids=[f"{endpoint} {n}" for n, (_m, endpoint, *_r) in enumerate(POST_CASES)],
)
def test_every_form_survives_bad_input(
    client, world, make_user, method, endpoint, url, form, expected
):
    _act_as(client, _role_for(expected), world, make_user)
    accepted = (REDIRECT, 200) if _writes_on_200(url) else (REDIRECT,)
    url, base = _fill(world, url, form)

    @example(data=dict.fromkeys(base or {"id": ""}, "99999999999999999999"))
    @example(data={**(base or {}), **dict.fromkeys(DATE_FIELDS, "0001-01-01"), "starts": "00:01"})
    @example(data={**(base or {}), **dict.fromkeys(DATE_FIELDS, "9999-12-31")})
    def post(data):
        before = _snapshot()
        response = client.post(url, data=data)
        _assert_handled(response)
        if response.status_code not in accepted:  # refused or shown again: nothing written
            assert _snapshot() == before, (response.status_code, data)

    run_hypothesis(post, data=_mutated(base or {}))


@pytest.mark.parametrize(
    ("method", "endpoint", "url", "form", "expected"),
    POST_CASES,
    ids=[f"{endpoint} {n}" for n, (_m, endpoint, *_r) in enumerate(POST_CASES)],
)
def test_every_form_survives_invalid_utf8(
    client, world, make_user, method, endpoint, url, form, expected
):
    """Raw bytes in the body: invalid UTF-8, NUL, a field without '=', a field twice."""
    _act_as(client, _role_for(expected), world, make_user)
    accepted = (REDIRECT, 200) if _writes_on_200(url) else (REDIRECT,)
    url, base = _fill(world, url, form)
    names = [*(base or {}), "body"]

    def post(raw, name):
        before = _snapshot()
        body = f"{name}=".encode() + quote_from_bytes(raw).encode() + b"&" + raw
        body += f"&{name}=".encode() + b"\xff\xfe\x00\xc3("
        response = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
        _assert_handled(response)
        if response.status_code not in accepted:
            assert _snapshot() == before, (response.status_code, raw)

    run_hypothesis(post, raw=st.binary(max_size=300), name=st.sampled_from(names))


# Listings, filters and the API: every query parameter


PARAMETERS = [
    ("/propositions", ["atelier", "statut", "page", "lang"]),
    ("/ateliers/{theme.slug}", ["statut", "page"]),
    ("/organisations/", ["q", "type", "theme", "page"]),
    ("/reunions/", ["atelier", "type", "page"]),
    ("/suivi", ["atelier", "institution", "page", "retards"]),
    ("/suivi.csv", ["atelier", "institution"]),
    ("/bilan", ["atelier", "du", "au"]),
    ("/recherche", ["q", "type", "page"]),
    ("/organisations/{association.slug}", ["propositions", "cosignees", "reponses", "attente"]),
    ("/propositions/{proposal.id}", ["temoignages", "commentaires"]),
    ("/admin/journal", ["action", "page"]),
    ("/admin/organisations", ["page"]),
    ("/admin/invitations", ["page"]),
    ("/moderation/", ["atelier", "ateliers", "page"]),
    ("/moderation/journal", ["page"]),
    ("/admin/utilisateurs", ["q", "page"]),
    ("/notifications/", ["page"]),
    ("/reunions/{meeting.id}/compte-rendu/diff", ["de", "a"]),
    ("/aide", ["version"]),
    ("/compte/connexion", ["next"]),
    ("/api/v1/proposals", ["theme", "status", "cursor", "page", "per_page", "sort"]),
    ("/api/v1/meetings", ["when", "theme", "kind", "cursor", "per_page"]),
    ("/api/v1/organisations", ["theme", "kind", "q", "cursor", "per_page"]),
    ("/api/v1/themes", ["page", "per_page", "sort"]),
]


@pytest.mark.parametrize(("path", "names"), PARAMETERS, ids=[p for p, _ in PARAMETERS])
@pytest.mark.parametrize("role", ["visitor", "admin"])
def test_every_parameter_survives_bad_input(client, world, make_user, role, path, names):
    _act_as(client, role, world, make_user)
    url, _ = _fill(world, path, None)
    values = st.one_of(
        st.sampled_from(TRICKY[:-2]), TEXT, st.lists(st.sampled_from(TRICKY[:-2]), min_size=2)
    )

    def check(query):
        response = client.get(url, query_string=query)
        _assert_handled(response)
        if path.startswith("/api/") and response.status_code != 302:
            assert response.is_json, response.get_data(as_text=True)[:300]

    before = _snapshot()
    for value in TRICKY[:-2]:  # every tricky value in every parameter, once
        check(dict.fromkeys(names, value))
    for query in URL_FOR_ARGUMENTS:  # these once reached url_for through the page links
        check = example(query=query)(check)
    run_hypothesis(check, query=st.dictionaries(st.sampled_from(names), values, min_size=1))
    assert _snapshot() == before  # reading never writes
