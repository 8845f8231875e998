"""The review workspace over HTTP (FastAPI TestClient): security rules, corrections, uploads, quarantine.

The browser-driven checks are in test_web_browser.py; these run without Chromium.
"""
from __future__ import annotations

import io
import json
import logging
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_helpers import XSS_SUBJECT, fill_store, sample_records

from pipelines.store.testing import fresh_database, pg_available
from pipelines.web.app import Settings, create_app
from pipelines.web.data import TASK_SORTS, WebData
from pipelines.web.security import ROLES, RateLimiter, Signer, hash_password, role_key, verify_password

PASSWORD = "mat-khau-thu-nghiem"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


BACKENDS = ["sqlite", pytest.param("postgresql", marks=[
    pytest.mark.postgres, pytest.mark.skipif(not pg_available(), reason="CONGVAN_TEST_PG_URL is not set")])]


@pytest.fixture(params=BACKENDS)
def env(request, tmp_path):
    with fresh_database(request.param, tmp_path, migrated=True) as url:
        fill_store(url)
        settings = Settings(db_url=url, outputs=tmp_path / "outputs", inbox=tmp_path / "inbox",
                            quarantine=tmp_path / "quarantine", processed=tmp_path / "processed",
                            secret=b"k" * 32, local_user="analyst", max_upload_bytes=100_000)
        app = create_app(settings)
        yield {"url": url, "app": app, "settings": settings, "data": app.state.data, "tmp": tmp_path}
        app.state.data.close()


def _client(env) -> TestClient:
    return TestClient(env["app"], base_url="https://127.0.0.1")


def _csrf(client: TestClient, path: str = "/") -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get(path).text).group(1)


def _pk(env, doc_id: str) -> int:
    return env["data"].store.document(doc_id)["id"]


def _with_accounts(env) -> None:
    for name, role in (("vanthu", "van_thu"), ("chuyenvien", "chuyen_vien"), ("quantri", "quan_tri")):
        env["data"].save_user(name, hash_password(PASSWORD), [role])


def _login(client: TestClient, name: str, password: str = PASSWORD):
    return client.post("/dang-nhap", data={"name": name, "password": password, "csrf": _csrf(client, "/dang-nhap")},
                       follow_redirects=False)


# ---- building blocks ---------------------------------------------------------------------------

def test_passwords_and_roles():
    stored = hash_password("một mật khẩu dài")
    assert stored.startswith("scrypt$") and "một" not in stored
    assert verify_password("một mật khẩu dài", stored)
    assert not verify_password("một mật khẩu dai", stored) and not verify_password("x", "garbage")
    assert role_key("Văn thư") == "van_thu" and role_key("chuyên viên") == "chuyen_vien" and role_key("admin") == "quan_tri"
    with pytest.raises(ValueError):
        role_key("giám đốc")


def test_signed_cookie_cannot_be_forged():
    signer = Signer(b"s" * 32)
    token = signer.dumps({"sid": "a", "name": "x", "roles": ["quan_tri"], "exp": 2 ** 40})
    assert signer.loads(token)["roles"] == ["quan_tri"]
    data, mac = token.rsplit(".", 1)
    assert signer.loads(data[:-2] + "xx." + mac) is None
    assert Signer(b"t" * 32).loads(token) is None
    assert signer.loads(signer.dumps({"sid": "a", "exp": 1})) is None      # expired


def test_csrf_check_refuses_missing_forged_and_non_ascii_tokens():
    signer = Signer(b"s" * 32)
    assert signer.check_csrf("a", signer.csrf("a"))
    assert not signer.check_csrf("b", signer.csrf("a"))
    assert not signer.check_csrf("a", None) and not signer.check_csrf("a", "")
    assert not signer.check_csrf("a", "mã giả")         # compare_digest raised TypeError on a non-ASCII str


def test_rate_limiter():
    limiter = RateLimiter(limit=3, window=60)
    for _ in range(3):
        assert not limiter.blocked("ip:1")
        limiter.failed("ip:1")
    assert limiter.blocked("ip:1") and not limiter.blocked("ip:2")


# ---- the server's rules --------------------------------------------------------------------------

def test_serve_refuses_other_addresses_without_accounts(tmp_path, capsys):
    from pipelines.cli import main
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    assert main(["serve", "--host", "0.0.0.0", "--db", url]) == 2
    assert "no accounts" in capsys.readouterr().err


def test_user_command(tmp_path, monkeypatch, capsys):
    from pipelines.cli import main
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    monkeypatch.setattr("sys.stdin", io.StringIO("mot-mat-khau-dai\n"))
    assert main(["user", "add", "lan", "--role", "chuyên viên", "--db", url, "--password-stdin"]) == 0
    data = WebData(url)
    try:
        user = data.user("lan")
        assert user["roles"] == "chuyen_vien" and verify_password("mot-mat-khau-dai", user["password_hash"])
    finally:
        data.close()
    capsys.readouterr()
    assert main(["user", "list", "--db", url]) == 0
    assert capsys.readouterr().out.splitlines() == [f"lan\t{ROLES['chuyen_vien']}\tactive"]
    monkeypatch.setattr("sys.stdin", io.StringIO("ngan\n"))
    assert main(["user", "add", "minh", "--role", "văn thư", "--db", url, "--password-stdin"]) == 2


def test_security_headers_cookie_and_no_inline_script(env):
    client = _client(env)
    pk = _pk(env, "cv-sgddt-thanhhoa-thi-tot-nghiep")
    response = client.get("/")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" in cookie
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    for path in ("/", "/van-ban", f"/van-ban/{pk}", "/nhiem-vu", "/cach-ly", "/tai-len", "/tai-khoan"):
        html = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path            # no inline script
        assert not re.search(r"\son[a-z]+\s*=", html), path                          # no inline handlers
        assert not re.search(r"\sstyle\s*=", html), path                             # CSP style-src 'self'


def test_every_post_needs_the_csrf_token(env):
    client = _client(env)
    client.get("/")
    pk = _pk(env, "cv-sgddt-thanhhoa-thi-tot-nghiep")
    posts = [(f"/van-ban/{pk}/hieu-chinh", {"field": "place", "value": "X"}),
             ("/nhiem-vu/1/trang-thai", {"status": "done"}), ("/cach-ly/1/tra-lai", {}),
             ("/nhiem-vu/1/hieu-chinh", {"field": "action", "value": "X"}),
             ("/tai-khoan", {"name": "x", "password": "0123456789", "roles": "quan_tri"}),
             ("/dang-nhap", {"name": "x", "password": "y"}), ("/dang-xuat", {})]
    for path, fields in posts:
        assert client.post(path, data=fields, follow_redirects=False).status_code == 403, path
        assert client.post(path, data={**fields, "csrf": "forged"}, follow_redirects=False).status_code == 403, path
        # a non-ASCII token once raised TypeError in hmac.compare_digest (a 500, not a 403)
        assert client.post(path, data={**fields, "csrf": "giả"}, follow_redirects=False).status_code == 403, path
    assert client.post("/tai-len", files={"file": ("a.pdf", PDF)}, follow_redirects=False).status_code == 403
    assert env["data"].store.document(pk)["place"] == "Thanh Hóa"
    assert not (env["tmp"] / "inbox").exists()


def test_roles_are_enforced(env):
    _with_accounts(env)
    pk = _pk(env, "cv-sgddt-thanhhoa-thi-tot-nghiep")
    client = _client(env)
    assert client.get("/nhiem-vu", follow_redirects=False).status_code == 303          # login first
    forbidden = {
        "vanthu": [f"/van-ban/{pk}/hieu-chinh", "/nhiem-vu/1/trang-thai", "/nhiem-vu/1/hieu-chinh", "/tai-khoan"],
        "chuyenvien": ["/tai-len", "/cach-ly/1/tra-lai", "/tai-khoan"],
        "quantri": [f"/van-ban/{pk}/hieu-chinh", "/nhiem-vu/1/trang-thai", "/nhiem-vu/1/hieu-chinh", "/tai-len",
                    "/cach-ly/1/tra-lai"],
    }
    fields = {"field": "action", "value": "X", "status": "done", "name": "x", "password": "0123456789",
              "roles": "quan_tri"}
    for name, paths in forbidden.items():
        client = _client(env)
        assert _login(client, name).status_code == 303
        token = _csrf(client, "/")
        for path in paths:
            assert client.post(path, data={**fields, "csrf": token}, follow_redirects=False).status_code == 403, (name, path)
    assert env["data"].store.document(pk)["place"] == "Thanh Hóa"
    client = _client(env)
    _login(client, "chuyenvien")
    response = client.post("/nhiem-vu/1/trang-thai", data={"status": "done", "csrf": _csrf(client)},
                           follow_redirects=False)
    assert response.status_code == 303 and env["data"].store.task(1)["status_by"] == "chuyenvien"


def test_login_is_rate_limited(env):
    _with_accounts(env)
    client = _client(env)
    for _ in range(5):
        assert _login(client, "quantri", "sai").status_code == 401
    assert _login(client, "quantri").status_code == 429          # even the right password, for a while


def test_xss_subject_is_escaped(env):
    client = _client(env)
    pk = _pk(env, "xss")
    for path in (f"/van-ban/{pk}", "/van-ban", "/nhiem-vu"):
        html = client.get(path).text
        assert XSS_SUBJECT not in html and "&lt;script&gt;document.title=" in html, path
        assert '<img src=x id="xss-img">' not in html


def test_correction_with_who_and_when_number_and_symbol(env):
    client = _client(env)
    pk = _pk(env, "cv-sgddt-thanhhoa-thi-tot-nghiep")
    token = _csrf(client)
    r = client.post(f"/van-ban/{pk}/hieu-chinh", data={"field": "symbol", "value": "2400/SGDĐT-VP",
                                                      "expected": "2315/SGDĐT-KTKĐ", "csrf": token},
                    follow_redirects=False)
    assert r.status_code == 303
    doc = env["data"].store.document(pk)
    assert (doc["number"], doc["code"], doc["symbol"]) == ("2400", "SGDĐT-VP", "2400/SGDĐT-VP")
    by_field = {c["field"]: c for c in doc["corrections"]}
    assert by_field["symbol"]["by"] == "analyst" and by_field["symbol"]["at"] is not None
    assert by_field["number"]["extracted_value"] == "2315"
    r = client.post(f"/van-ban/{pk}/hieu-chinh", data={"field": "date", "value": "11/04/2024",
                                                      "expected": "10/04/2024", "csrf": token}, follow_redirects=False)
    assert r.status_code == 303 and env["data"].store.document(pk)["date"] == "2024-04-11"
    assert "11/04/2024" in client.get(f"/van-ban/{pk}").text


def test_concurrent_corrections_show_a_conflict(env):
    first, second = _client(env), _client(env)
    pk = _pk(env, "cv-sgddt-thanhhoa-thi-tot-nghiep")
    seen = "Thanh Hóa"
    r1 = first.post(f"/van-ban/{pk}/hieu-chinh", data={"field": "place", "value": "Thanh Hoá (A)", "expected": seen,
                                                       "csrf": _csrf(first)}, follow_redirects=False)
    r2 = second.post(f"/van-ban/{pk}/hieu-chinh", data={"field": "place", "value": "Thanh Hoá (B)", "expected": seen,
                                                        "csrf": _csrf(second)}, follow_redirects=False)
    assert r1.status_code == 303 and r2.status_code == 409
    assert "Xung đột" in r2.text and "Thanh Hoá (A)" in r2.text
    assert env["data"].store.document(pk)["place"] == "Thanh Hoá (A)"


def test_correction_survives_reingestion(env):
    client = _client(env)
    pk = _pk(env, "cv-sgddt-thanhhoa-thi-tot-nghiep")
    client.post(f"/van-ban/{pk}/hieu-chinh", data={"field": "subject", "value": "trích yếu đã sửa",
                                                  "expected": "hướng dẫn đăng ký dự thi tốt nghiệp trung học phổ thông năm 2024",
                                                  "csrf": _csrf(client)})
    record = next(r for r in sample_records() if r.id == "cv-sgddt-thanhhoa-thi-tot-nghiep")
    newer = record.model_copy(update={"extractor_version": "99.0.0", "subject": "trích yếu của lần đọc mới"})
    assert env["data"].store.ingest_record(newer) == "reextracted"
    html = client.get(f"/van-ban/{pk}").text
    assert "trích yếu đã sửa" in html and "trích yếu của lần đọc mới" in html   # kept, with the new reading beside


def test_documents_search_filters_and_paging(env):
    client = _client(env)
    assert "Sở Giáo dục" in client.get("/van-ban?q=so+giao+duc").text
    rows = lambda html: re.findall(r'<a href="/van-ban/(\d+)">', html)        # noqa: E731
    flagged = rows(client.get("/van-ban?canxem=1").text)
    assert len(flagged) == 3
    kinds = rows(client.get("/van-ban?loai=Quyết+định").text)
    assert len(kinds) == 2
    data = env["data"]
    first = data.list_documents(limit=5)
    second = data.list_documents(limit=5, before=first["next"])
    ids = [r["id"] for r in first["rows"] + second["rows"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 10
    numbers = {r["id"]: r["arrival_number"] for r in first["rows"] + second["rows"]}
    assert numbers == {d["id"]: d["arrival_number"] for d in data.store.documents() if d["id"] in numbers}


def test_task_filters_and_export(env):
    client = _client(env)
    page = client.get("/nhiem-vu?donvi=so+y+te").text
    assert "Sở Y tế" in page
    data = env["data"]
    result = data.list_tasks(assignee="so y te")
    assert result["total"] > 0 and all("Sở Y tế" in r["assignee"] for r in result["rows"])
    csv = client.get("/nhiem-vu/xuat.csv?tinhtrang=kh%C3%B4ng+th%E1%BB%9Di+h%E1%BA%A1n")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) - 1 == data.list_tasks(state="không thời hạn")["total"]
    xlsx = client.get("/nhiem-vu/xuat.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_upload_checks_before_storing(env):
    client = _client(env)
    token = _csrf(client, "/tai-len")
    inbox = env["tmp"] / "inbox"
    r = client.post("/tai-len", data={"csrf": token}, files={"file": ("../../thu.pdf", PDF, "application/pdf")})
    assert r.status_code == 200 and "Đã nhận tệp" in r.text
    assert [p.name for p in inbox.iterdir()] == ["thu.pdf"] and not (env["tmp"].parent / "thu.pdf").exists()
    r = client.post("/tai-len", data={"csrf": token}, files={"file": ("thu.pdf", PDF)})
    assert sorted(p.name for p in inbox.iterdir()) == ["thu (2).pdf", "thu.pdf"]
    refused = [("anh.pdf", b"\x89PNG not a pdf"), ("mau.docx", b"PK\x03\x04 no zip"), ("x.exe", b"MZ"),
               ("trong.pdf", b""), ("lon.pdf", PDF + b"0" * 100_001)]
    for name, content in refused:
        r = client.post("/tai-len", data={"csrf": token}, files={"file": (name, content)})
        assert r.status_code in (400, 413), name
    assert client.post("/tai-len", data={"csrf": token}, files={"file": ("dung.docx", _docx())}).status_code == 200
    assert sorted(p.name for p in inbox.iterdir()) == ["dung.docx", "thu (2).pdf", "thu.pdf"]
    listed = client.get("/tai-len").text
    assert "<title>Tải lên · Theo dõi văn bản</title>" in listed
    assert all(name in listed for name in ("dung.docx", "thu (2).pdf", "thu.pdf"))


def test_quarantine_release(env):
    import hashlib

    from models.record import DocumentRecord, FileInfo
    qdir, inbox = env["tmp"] / "quarantine", env["tmp"] / "inbox"
    qdir.mkdir()
    content = b"%PDF-1.4 broken"
    (qdir / "hong.pdf").write_bytes(content)
    (qdir / "hong.pdf.reason.json").write_text(json.dumps({"class": "corrupt"}))
    sha = hashlib.sha256(content).hexdigest()
    env["data"].store.save_quarantine(DocumentRecord(
        id="hong", error="the PDF is damaged", error_class="corrupt",
        file=FileInfo(path=str(qdir / "hong.pdf"), name="hong.pdf", sha256=sha)))
    client = _client(env)
    page = client.get("/cach-ly").text
    assert "hong.pdf" in page and "Tệp hỏng" in page
    entry = env["data"].quarantine()[0]["id"]
    r = client.post(f"/cach-ly/{entry}/tra-lai", data={"csrf": _csrf(client, "/cach-ly")}, follow_redirects=False)
    assert r.status_code == 303
    assert (inbox / "hong.pdf").read_bytes() == content and not list(qdir.iterdir())


def test_no_document_text_in_logs(env, caplog):
    client = _client(env)
    pk = _pk(env, "cv-sgddt-thanhhoa-thi-tot-nghiep")
    with caplog.at_level(logging.DEBUG, logger="congvan"):
        client.get("/van-ban?q=tot+nghiep")
        client.post(f"/van-ban/{pk}/hieu-chinh", data={"field": "subject", "value": "bí mật nội dung",
                                                      "csrf": _csrf(client)})
        client.get(f"/van-ban/{pk}")
    text = caplog.text
    assert "tot+nghiep" not in text and "tot nghiep" not in text and "bí mật" not in text
    assert "/van-ban" in text                                               # the access log is there


def test_page_image_is_rendered_and_cached(env):
    client = _client(env)
    pk = _pk(env, "cv-sgddt-thanhhoa-thi-tot-nghiep")
    r = client.get(f"/van-ban/{pk}/trang/1.png")
    assert r.status_code == 200 and r.content[:4] == b"\x89PNG"
    sha = env["data"].store.document(pk)["sha256"]
    assert (Path(env["settings"].outputs) / "pages" / sha / "1.png").is_file()
    assert client.get(f"/van-ban/{pk}/trang/9.png").status_code == 404
    assert client.get(f"/van-ban/{_pk(env, 'xss')}/trang/1.png").status_code == 404   # file not found


@pytest.mark.slow
def test_word_page_is_rendered_through_its_pdf(env):
    import shutil
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        pytest.skip("LibreOffice is not installed")
    client = _client(env)
    r = client.get(f"/van-ban/{_pk(env, 'gm-syt-camau-hoi-nghi')}/trang/1.png")
    assert r.status_code == 200 and r.content[:4] == b"\x89PNG" and len(r.content) > 20_000
    r = client.get(f"/van-ban/{_pk(env, 'cd-ubnd-quangbinh-mua-lu-scan')}/trang/1.png")   # the scanned image itself
    assert r.status_code == 200 and r.content[:4] == b"\x89PNG"


def test_task_correction_on_the_document_page(env):
    client = _client(env)
    pk = _pk(env, "cv-sgddt-thanhhoa-thi-tot-nghiep")
    task = env["data"].store.tasks(document=pk)[0]
    token = _csrf(client)
    r = client.post(f"/nhiem-vu/{task['id']}/hieu-chinh", data={"field": "deadline", "value": "06/05/2024",
                                                               "expected": "05/05/2024", "csrf": token},
                    follow_redirects=False)
    assert r.status_code == 303
    again = env["data"].store.tasks(document=pk)[0]
    assert str(again["due_date"]) == "2024-05-06" and again["corrected"] == ["deadline"]
    r = client.post(f"/nhiem-vu/{task['id']}/hieu-chinh", data={"field": "deadline", "value": "07/05/2024",
                                                               "expected": "05/05/2024", "csrf": token})
    assert r.status_code == 409                                        # someone changed it since
    assert client.post(f"/nhiem-vu/{task['id']}/hieu-chinh", data={"field": "deadline", "value": "x"},
                       follow_redirects=False).status_code == 403     # no CSRF token


def test_register_export_for_the_clerk(env):
    _with_accounts(env)
    clerk, analyst = _client(env), _client(env)
    _login(clerk, "vanthu")
    _login(analyst, "chuyenvien")
    r = clerk.get("/so-dang-ky.xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert analyst.get("/so-dang-ky.xlsx").status_code == 403


def test_disabled_account_loses_its_session(env):
    _with_accounts(env)
    client = _client(env)
    _login(client, "chuyenvien")
    assert client.get("/nhiem-vu", follow_redirects=False).status_code == 200
    admin = _client(env)
    _login(admin, "quantri")
    r = admin.post("/tai-khoan", data={"name": "chuyenvien", "roles": "chuyen_vien", "active": "0",
                                       "csrf": _csrf(admin, "/tai-khoan")}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/nhiem-vu", follow_redirects=False).status_code == 303     # back to the login page
    assert _login(client, "chuyenvien").status_code == 401


def test_task_pages_and_capped_count(env, monkeypatch):
    import pipelines.web.data as web_data
    data = env["data"]
    whole = data.list_tasks(per_page=1000)
    assert not whole["capped"] and whole["total"] == len(whole["rows"]) and not whole["more"]
    dues = [r["due_date"] for r in whole["rows"]]
    dated = [d for d in dues if d is not None]
    assert dated == sorted(dated) and dues == dated + [None] * (len(dues) - len(dated))   # undated last
    pages = [data.list_tasks(page=p, per_page=7)["rows"] for p in range(1, whole["total"] // 7 + 2)]
    assert [r["id"] for rows in pages for r in rows] == [r["id"] for r in whole["rows"]]
    monkeypatch.setattr(web_data, "COUNT_CAP", 10)
    capped = data.list_tasks(per_page=5)
    assert capped["capped"] and capped["total"] == 10 and capped["pages"] is None and capped["more"]
    assert "hơn 10 nhiệm vụ" in _client(env).get("/nhiem-vu").text


def test_dismiss_and_add_a_task_survive_reingestion(env):
    """A wrongly extracted task dismissed and a missed one added on the document page are corrections:
    after the same file is extracted again, the first stays dismissed and the second stays."""
    client = _client(env)
    pk = _pk(env, "cv-sgddt-thanhhoa-thi-tot-nghiep")
    store = env["data"].store
    before = store.tasks(document=pk)
    token = _csrf(client)
    assert client.post(f"/nhiem-vu/{before[0]['id']}/loai-bo", data={}).status_code == 403        # no CSRF token
    r = client.post(f"/nhiem-vu/{before[0]['id']}/loai-bo", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303
    r = client.post(f"/van-ban/{pk}/them-nhiem-vu", data={"csrf": token, "lead": "Phòng Khảo thí",
                                                          "action": "tổng hợp danh sách thí sinh tự do",
                                                          "deadline": "20/05/2024"}, follow_redirects=False)
    assert r.status_code == 303
    after = store.tasks(document=pk)
    assert before[0]["id"] not in [t["id"] for t in after]
    added = [t for t in after if t["action"] == "tổng hợp danh sách thí sinh tự do"]
    assert len(added) == 1 and str(added[0]["due_date"]) == "2024-05-20"
    page = client.get(f"/van-ban/{pk}").text
    assert "tổng hợp danh sách thí sinh tự do" in page and "Thêm nhiệm vụ bị bỏ sót" in page

    from tests.web_helpers import sample_records
    record = next(r for r in sample_records() if r.id == "cv-sgddt-thanhhoa-thi-tot-nghiep")
    store.save_batch([record.model_copy(update={"extractor_version": "9.9.9"})])          # extracted again
    again = store.tasks(document=pk)
    assert sorted(t["action"] for t in again) == sorted(t["action"] for t in after)   # still dismissed, still added
    assert before[0]["action"] not in [t["action"] for t in again]


def test_due_soon_state_filter(env):
    """`sắp đến hạn` in the web filter is the store's rule: open, due within N working days."""
    data = env["data"]
    dated = [t for t in data.store.tasks() if t["due_date"] is not None and t["status"] == "open"]
    assert dated
    due = min(t["due_date"] for t in dated)
    soon = data.list_tasks(state="sắp đến hạn", today=due)
    assert soon["total"] >= 1 and all(r["state"] == "sắp đến hạn" for r in soon["rows"])
    assert data.list_tasks(state="quá hạn", today=due)["total"] == sum(1 for t in dated if t["due_date"] < due)
    assert "sắp đến hạn" in _client(env).get("/nhiem-vu").text


def test_loopback_server_refuses_other_host_names(env):
    """Without a login on loopback, a name rebound to 127.0.0.1 by another site (DNS rebinding) gets
    nothing: only loopback host names are served."""
    assert _client(env).get("/").status_code == 200
    rebound = TestClient(env["app"], base_url="https://attacker.example")
    assert rebound.get("/").status_code == 400
    assert rebound.get("/nhiem-vu").status_code == 400


def test_dismissed_task_leaves_the_lists_and_counts(env):
    client = _client(env)
    data = env["data"]
    before = data.list_tasks()["total"]
    task = data.store.tasks()[0]
    assert client.post(f"/nhiem-vu/{task['id']}/loai-bo", data={"csrf": _csrf(client)},
                       follow_redirects=False).status_code == 303
    assert data.list_tasks()["total"] == before - 1
    assert sum(n for _, n in data.overview()["states"]) == before - 1


# ---- review follow-ups: bodies, copies, conflicts in the write transaction, non-documents, renders, search --


def test_task_filter_and_overdue_chart_use_the_bodies(env):
    """A task of several bodies is found by any of them (a co-ordinating one too) and counts under each
    responsible body in the overdue chart, not under the joined names."""
    data = env["data"]
    found = data.list_tasks(assignee="so van hoa, the thao")["rows"]     # only a phối hợp body of its task
    assert found and all("Văn hóa" not in (r["assignee"] or "") for r in found)
    both = next(t for t in data.store.tasks() if not t["lead"] and len(t["assignees"]) == 2)
    for name in both["assignees"]:
        assert both["id"] in [r["id"] for r in data.list_tasks(assignee=name, per_page=500)["rows"]]
    overdue = dict(data.overview(today=date(2030, 1, 1))["overdue"])
    assert not any(";" in name for name in overdue)                        # no joined “A; B” bar
    units = {b["unit"] or b["name"] for b in both["bodies"]}
    assert units <= set(overdue) or len(overdue) == 10
    assert "trung tâm GDNN-GDTX" in data.assignee_choices() or any("GDNN" in n for n in data.assignee_choices())


def test_assignee_correction_moves_the_lead_and_bodies(env):
    client = _client(env)
    pk = _pk(env, "kh-stttt-binhdinh-chuyen-doi-so")
    task = next(t for t in env["data"].store.tasks(document=pk) if t["lead"] == "Văn phòng Sở")
    r = client.post(f"/nhiem-vu/{task['id']}/hieu-chinh", data={"field": "assignee", "value": "Phòng Kế hoạch - Tài chính",
                                                               "expected": "Văn phòng Sở", "csrf": _csrf(client)},
                    follow_redirects=False)
    assert r.status_code == 303
    after = env["data"].store.task(task["id"])
    assert after["lead"] == after["assignee"] == "Phòng Kế hoạch - Tài chính"
    assert [b["name"] for b in after["bodies"] if b["role"] in ("lead", "assignee")] == ["Phòng Kế hoạch - Tài chính"]
    assert task["id"] in [r["id"] for r in env["data"].list_tasks(assignee="phong ke hoach")["rows"]]
    assert task["id"] not in [r["id"] for r in env["data"].list_tasks(assignee="van phong so", per_page=500)["rows"]]


def test_copy_page_redirects_to_the_main_document(env):
    from tests.web_helpers import sample_records
    store = env["data"].store
    record = next(r for r in sample_records() if r.id == "cv-sgddt-thanhhoa-thi-tot-nghiep")
    copy = record.model_copy(update={"id": "cv-sgddt-ban-sao", "file": record.file.model_copy(update={
        "sha256": "c" * 64, "name": "cv-sgddt-ban-sao.docx", "format": "docx"})})
    store.save_batch([copy])
    copy_pk, main_pk = _pk(env, "cv-sgddt-ban-sao"), _pk(env, "cv-sgddt-thanhhoa-thi-tot-nghiep")
    assert store.document(copy_pk)["copy_role"] == "copy"
    r = _client(env).get(f"/van-ban/{copy_pk}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/van-ban/{main_pk}"


def test_conflict_is_checked_inside_the_write_transaction(env):
    """Another analyst's correction committed while this one waits for the row: the expected value is
    compared after the wait, in the same transaction, so the second write is refused (no lost update)."""
    import threading
    import time

    from sqlalchemy import select, text

    from pipelines.store import Conflict, Store
    from pipelines.store.schema import documents, extractions
    store = env["data"].store
    pk = _pk(env, "cv-sgddt-thanhhoa-thi-tot-nghiep")
    with pytest.raises(Conflict):
        store.correct_document(pk, "place", "X", by="b", expected="Nơi khác")
    assert store.document(pk)["place"] == "Thanh Hóa"
    other = Store(env["url"], migrate=False)            # a second session: another analyst's request
    result: dict = {}

    def second():
        try:
            store.correct_document(pk, "place", "Thanh Hoá (B)", by="b", expected="Thanh Hóa")
            result["outcome"] = "written"
        except Conflict as exc:
            result["outcome"], result["current"] = "conflict", exc.current

    with other.engine.begin() as conn:
        query = select(documents).where(documents.c.id == pk)
        row = conn.execute(query.with_for_update() if other._pg else query).mappings().first()
        raw = conn.execute(select(extractions.c.record).where(extractions.c.document_id == pk,
                                                              extractions.c.is_current.is_(True))).scalar()
        Store._add_correction(conn, pk, None, "place", "Thanh Hoá (A)", row["place"], row["extractor_version"], "a")
        Store._recompute_document(conn, pk, raw)
        thread = threading.Thread(target=second)
        thread.start()
        if other._pg:       # wait until the second session waits for this one's row lock
            with other.engine.connect() as watch:
                for _ in range(200):
                    if watch.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                          " AND datname = current_database()")).scalar():
                        break
                    time.sleep(0.05)
        else:
            time.sleep(0.3)  # SQLite: the second one's BEGIN IMMEDIATE waits for this write lock
    thread.join(30)
    other.close()
    assert result == {"outcome": "conflict", "current": "Thanh Hoá (A)"}
    assert store.document(pk)["place"] == "Thanh Hoá (A)"


def test_non_document_takes_no_arrival_number(env):
    from pipelines.exports import register_rows
    from tests.web_helpers import sample_records
    store = env["data"].store
    base = next(r for r in sample_records() if r.id == "ttr-stc-lamdong-kinh-phi")
    manual = base.model_copy(update={"id": "so-tay-huong-dan", "official": False, "doc_type": None, "symbol": None,
                                     "number": None, "code": None, "tasks": [],
                                     "file": base.file.model_copy(update={"sha256": "d" * 64, "name": "so-tay.pdf"})})
    last = max(d["arrival_number"] or 0 for d in store.documents())
    store.save_batch([manual])
    pk = _pk(env, "so-tay-huong-dan")
    doc = store.document(pk)
    assert doc.get("arrival_number") is None and doc["incoming_id"] is None      # recorded, no số đến
    register, _ = register_rows(store)
    assert pk not in [r.get("id") for r in register] and len(register) == len({d["incoming_id"] for d in
                                                                               store.documents() if d["incoming_id"]})
    html = _client(env).get(f"/van-ban/{pk}").text
    assert "không vào sổ văn bản đến" in html
    nxt = base.model_copy(update={"id": "cv-sau", "symbol": "99/STC-KH", "number": "99",
                                  "file": base.file.model_copy(update={"sha256": "e" * 64, "name": "cv-sau.pdf"})})
    store.save_batch([nxt])
    assert store.document(_pk(env, "cv-sau"))["arrival_number"] == last + 1          # no gap left by the manual
    client = _client(env)
    r = client.post(f"/van-ban/{pk}/hieu-chinh", data={"field": "official", "value": "Có", "expected": "Không",
                                                      "csrf": _csrf(client)}, follow_redirects=False)
    assert r.status_code == 303 and store.document(pk)["arrival_number"] == last + 2   # a document after all


def test_official_marks_and_references_are_correctable_and_clear_their_flags(env):
    from models.record import FieldProvenance, Reference
    from tests.web_helpers import sample_records
    store, data = env["data"].store, env["data"]
    base = next(r for r in sample_records() if r.id == "ttr-stc-lamdong-kinh-phi")
    flagged = {k: FieldProvenance(page=1, text="?", confidence=0.5, needs_review=True)
               for k in ("official", "urgency", "confidentiality", "references")}
    record = base.model_copy(update={
        "id": "cv-co-co", "symbol": "77/STC-KH", "number": "77", "urgency": "Khẩn", "official": True,
        "references": [Reference(symbol="12/UBND-KT", doc_type="Công văn", date="2024-01-02")],
        "provenance": {**base.provenance, **flagged},
        "file": base.file.model_copy(update={"sha256": "f" * 64, "name": "cv-co-co.pdf"})})
    store.save_batch([record])
    pk = _pk(env, "cv-co-co")
    assert set(data.document(pk)["review"]) >= set(flagged)
    client = _client(env)
    token = _csrf(client)
    page = client.get(f"/van-ban/{pk}").text
    for key in flagged:
        assert f'id="field-{key}"' in page
    for field, value, expected in (("official", "Có", "Có"), ("urgency", "Thượng khẩn", "Khẩn"),
                                   ("confidentiality", "Mật", ""),
                                   ("references", "12/UBND-KT; 30/2020/NĐ-CP", "12/UBND-KT")):
        r = client.post(f"/van-ban/{pk}/hieu-chinh", data={"field": field, "value": value, "expected": expected,
                                                          "csrf": token}, follow_redirects=False)
        assert r.status_code == 303, field
    doc = data.document(pk)
    assert not set(doc["review"]) & set(flagged)                       # their review flags are answered
    rec = doc["record"]
    assert (rec["official"], rec["urgency"], rec["confidentiality"]) == (True, "Thượng khẩn", "Mật")
    assert [r["symbol"] for r in rec["references"]] == ["12/UBND-KT", "30/2020/NĐ-CP"]
    assert rec["references"][0]["doc_type"] == "Công văn"             # what was read of it is kept
    assert pk not in [d["id"] for d in data.list_documents(review=True, limit=500)["rows"]]


def test_unrenderable_page_shows_a_vietnamese_message(env, monkeypatch):
    """A damaged file (its bytes match the record, pdfium cannot open it) and a renderer that hangs
    (stopped at the timeout) give a Vietnamese page, never a 500."""
    import hashlib

    from tests.web_helpers import sample_records
    store = env["data"].store
    broken = env["tmp"] / "hong.pdf"
    broken.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 200)
    base = next(r for r in sample_records() if r.id == "ttr-stc-lamdong-kinh-phi")
    store.save_batch([base.model_copy(update={"id": "hong", "symbol": "5/HONG", "number": "5", "file": base.file.model_copy(
        update={"path": str(broken), "name": "hong.pdf", "sha256": hashlib.sha256(broken.read_bytes()).hexdigest()})})])
    client = _client(env)
    r = client.get(f"/van-ban/{_pk(env, 'hong')}/trang/1.png")
    assert r.status_code == 503 and "Không dựng được ảnh của trang này" in r.text
    import pipelines.web.files as files
    monkeypatch.setenv("CONGVAN_WEB_RENDER_TIMEOUT", "1")
    monkeypatch.setattr(files, "render_command", lambda *a: ["sleep", "30"])
    r = client.get(f"/van-ban/{_pk(env, 'ttr-stc-lamdong-kinh-phi')}/trang/1.png")
    assert r.status_code == 503 and "xử lý quá lâu" in r.text


def test_search_is_in_the_database(env):
    """The folded search column: accent- and case-free on số ký hiệu, trích yếu and issuer; a second
    process (another WebData) sees a correction at once."""
    data = env["data"]
    rows = lambda **kw: [r["doc_id"] for r in data.list_documents(**kw)["rows"]]   # noqa: E731
    assert "cv-sgddt-thanhhoa-thi-tot-nghiep" in rows(q="SGDDT-ktkd")            # số ký hiệu, no accents
    assert "cv-sgddt-thanhhoa-thi-tot-nghiep" in rows(q="dang ky du thi tot nghiep")  # trích yếu
    assert "cv-sgddt-thanhhoa-thi-tot-nghiep" in rows(q="Sở Giáo Dục VA dao tao")       # issuer
    assert rows(q="50%_") == []                                                   # LIKE wildcards are text
    other = WebData(env["url"])
    try:
        pk = _pk(env, "cv-sgddt-thanhhoa-thi-tot-nghiep")
        data.correct_document(pk, "subject", "chuẩn bị kỳ thi đặc biệt", None, by="a")
        assert [r["id"] for r in other.list_documents(q="ky thi dac biet")["rows"]] == [pk]
    finally:
        other.close()


def test_body_filter_reads_the_same_page_either_way(env, monkeypatch):
    """A body filter naming many tasks reads its page in deadline order probing each task's bodies;
    the page is the same as listing the bodies' tasks first."""
    import pipelines.web.data as web_data
    data = env["data"]
    listed = {s: data.list_tasks(assignee="so", sort=s, per_page=7, page=2) for s in TASK_SORTS}
    monkeypatch.setattr(web_data, "MANY_TASKS", 0)
    for sort, expected in listed.items():
        probed = data.list_tasks(assignee="so", sort=sort, per_page=7, page=2)
        assert [r["id"] for r in probed["rows"]] == [r["id"] for r in expected["rows"]] and probed["total"] == expected["total"]
    assert expected["rows"]
