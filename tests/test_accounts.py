from flask import g
from tests.conftest import login


def test_probe(app, client, make_user, login_as):
    user = make_user()
    for nxt in ["/\\evil.example", "/\t/evil.example", "/%5Cevil.example", "\\\\evil.example"]:
        r = client.post(
            "/compte/connexion",
            query_string={"next": nxt},
            data={"email": user.email, "password": "correct horse battery"},
        )
        print(repr(nxt), r.status_code, repr(r.headers.get("Location")))
        client.post("/compte/deconnexion")
        for k in list(g):
            g.pop(k)
    login(client, user)
    r = client.post("/compte/preferences", data={"locale": "xx"})
    import re

    print(r.status_code, re.findall(r'class="error".*', r.get_data(as_text=True)))
