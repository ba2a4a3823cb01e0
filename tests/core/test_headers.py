import re


def test_a_page_runs_only_this_servers_scripts_and_cannot_be_framed(client):
    page = client.get("/setup")
    policy = page.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy)[1]
    assert f'<script type="importmap" nonce="{nonce}">' in page.get_data(as_text=True)
    assert "script-src 'self' 'nonce-" in policy and "frame-ancestors 'none'" in policy
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/setup").headers["Content-Security-Policy"] != policy  # a nonce per answer


def test_api_answers_and_errors_carry_the_headers_too(client):
    for path in ("/api/v1/events/khong-co/standings", "/khong-co"):
        answer = client.get(path)
        assert answer.status_code == 404
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
