def test_home(client):
    r = client.get("/")
    assert r.status_code == 200, r.get_data(as_text=True)
