"""The review workspace driven by a real headless Chromium (Debian's chromium + chromium-driver, Selenium).

Two servers on free loopback ports over stores filled from samples/: one without accounts (the
single local user, no login) and one with an account per role. Screenshots of the main pages go
to outputs/screenshots/ (git-ignored).
"""
from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import pytest
from web_helpers import ROOT, XSS_SUBJECT, fill_store

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (CHROMIUM and DRIVER),
                                 reason="chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)")]
SHOTS = ROOT / "outputs" / "screenshots"
PASSWORD = "mat-khau-thu-nghiem"
EXTRACTED = "qd-snv-nghean-to-cong-tac"     # stored from the real extractor: its provenance has page boxes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """uvicorn in a thread on 127.0.0.1:<free port>."""

    def __init__(self, folder: Path, accounts: dict[str, str] | None = None, extract: tuple[str, ...] = ()):
        import uvicorn

        from pipelines.web.app import Settings, create_app
        from pipelines.web.data import WebData
        from pipelines.web.security import hash_password

        self.folder = folder
        self.url_db = f"sqlite:///{folder / 'congvan.sqlite'}"
        fill_store(self.url_db, extract)
        if accounts:
            data = WebData(self.url_db)
            for name, role in accounts.items():
                data.save_user(name, hash_password(PASSWORD), [role])
            data.close()
        settings = Settings(db_url=self.url_db, outputs=folder / "outputs", inbox=folder / "inbox",
                            quarantine=folder / "quarantine", processed=folder / "processed",
                            secret=b"test-secret-" * 3, local_user="analyst")
        self.app = create_app(settings)
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    access_log=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.app.state.data.close()


@pytest.fixture(scope="module")
def folder():
    path = Path(tempfile.mkdtemp(prefix="congvan-web-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def local(folder):
    (folder / "local").mkdir()
    server = Server(folder / "local", extract=(EXTRACTED,))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def accounts(folder):
    (folder / "accounts").mkdir()
    server = Server(folder / "accounts", {"vanthu": "van_thu", "chuyenvien": "chuyen_vien", "quantri": "quan_tri"})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(folder):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-default-apps", "--lang=vi-VN", "--window-size=1440,1000",
                f"--user-data-dir={folder / 'chromium-profile'}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    driver.set_page_load_timeout(60)
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


@pytest.fixture(autouse=True)
def _fresh_page(request):
    """Each test starts on a blank page: a form the previous test submitted last may still be
    navigating, and its page would replace this test's page under its clicks."""
    if "browser" in request.fixturenames:
        request.getfixturevalue("browser").get("about:blank")
    yield


def _shot(driver, name: str) -> None:
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def _find(driver, css):
    from selenium.webdriver.common.by import By
    return driver.find_element(By.CSS_SELECTOR, css)


def _all(driver, css):
    from selenium.webdriver.common.by import By
    return driver.find_elements(By.CSS_SELECTOR, css)


def _submit(driver, element) -> None:
    """Click a submit button (or change a select) and wait until the next page has replaced this one."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait
    old = driver.find_element(By.TAG_NAME, "html")
    element() if callable(element) else element.click()
    WebDriverWait(driver, 20).until(expected_conditions.staleness_of(old))


def _post(driver, path: str, fields: dict, with_csrf: bool = True) -> int:
    """POST a form from the page (fetch with the browser's cookies) → the HTTP status."""
    return driver.execute_async_script("""
        const [path, fields, withCsrf, done] = arguments;
        const body = new URLSearchParams(fields);
        const token = document.querySelector('input[name=csrf]');
        if (withCsrf && token) body.set('csrf', token.value);
        fetch(path, {method: 'POST', body: body, redirect: 'manual', credentials: 'same-origin'})
          .then(r => done(r.status)).catch(e => done('error ' + e));
    """, path, fields, with_csrf)


def _pk(server: Server, doc_id: str) -> int:
    """The store id of a sample (by its file stem)."""
    return server.app.state.data.store.document(doc_id)["id"]


# ---- the local single user (no accounts, no login) ------------------------------------------------

def test_overview(local, browser):
    browser.get(local.base + "/")
    assert "Tổng quan" in _find(browser, "h1").text
    counts = {r.find_elements("css selector", "td")[0].text: r.find_elements("css selector", "td")[1].text
              for r in _all(browser, "#state-counts tr")}
    assert set(counts) >= {"Trong hạn", "Quá hạn", "Không thời hạn"} and int(counts["Quá hạn"]) > 0
    bars = _all(browser, "#overdue-chart rect.bar")
    assert bars and all(float(b.get_attribute("width")) > 0 for b in bars)
    queue = _all(browser, "#review-queue tbody tr")
    assert any("Số" in r.text for r in queue)          # the scans' flagged number, by its Vietnamese name
    assert "Tệp hỏng" in _find(browser, "#runs").text   # the last run's quarantine reason
    _shot(browser, "overview")


def test_filter_tasks(local, browser):
    from selenium.webdriver.support.ui import Select
    browser.get(local.base + "/nhiem-vu")
    total = len(_all(browser, "#tasks tbody tr"))
    field = _find(browser, "#donvi")
    field.send_keys("so y te")            # accent-insensitive
    _submit(browser, _find(browser, "#filter"))
    rows = _all(browser, "#tasks tbody tr")
    assert 0 < len(rows) < total
    assert all("Sở Y tế" in r.find_element("css selector", "td.assignee").text for r in rows)
    _submit(browser, lambda: Select(_find(browser, "#tinhtrang")).select_by_visible_text("Quá hạn"))  # app.js
    assert "tinhtrang=" in browser.current_url and "donvi=so+y+te" in browser.current_url
    for r in _all(browser, "#tasks tbody tr"):
        assert "Quá hạn" in r.text or "Không có nhiệm vụ" in r.text
    browser.get(local.base + "/nhiem-vu")
    _shot(browser, "tasks")


def test_document_page_and_correction(local, browser):
    pk = _pk(local, "cv-sgddt-thanhhoa-thi-tot-nghiep")
    browser.get(f"{local.base}/van-ban/{pk}")
    img = _find(browser, "#page-image")
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img) > 500
    assert "Trích yếu" in _find(browser, "#fields").text and "Cơ quan ban hành" in _find(browser, "#fields").text
    tasks = _all(browser, "#doc-tasks tbody tr")
    assert len(tasks) == 5 and "Đăng ký dự thi" in _find(browser, "#doc-tasks").text
    _shot(browser, "document")
    browser.execute_script("document.getElementById('doc-tasks').scrollIntoView()")
    _find(browser, "#doc-tasks details.task-edit summary").click()
    _shot(browser, "document-tasks")
    row = _find(browser, "#field-subject")
    row.find_element("css selector", "summary").click()
    box = row.find_element("css selector", "textarea")
    box.clear()
    box.send_keys("hướng dẫn đăng ký dự thi tốt nghiệp THPT năm 2024 (đã hiệu chỉnh)")
    _submit(browser, row.find_element("css selector", "button"))
    assert "Đã lưu hiệu chỉnh" in _find(browser, ".flash").text
    browser.refresh()
    row = _find(browser, "#field-subject")
    assert row.find_element("css selector", ".value").text.endswith("(đã hiệu chỉnh)")
    assert "đã hiệu chỉnh bởi analyst" in row.text
    # number and symbol stay consistent
    row = _find(browser, "#field-number")
    row.find_element("css selector", "summary").click()
    number = row.find_element("css selector", "input[name=value]")
    number.clear()
    number.send_keys("2316")
    _submit(browser, row.find_element("css selector", "button"))
    assert _find(browser, "#field-symbol .value").text == "2316/SGDĐT-KTKĐ"


def test_click_on_a_field_highlights_where_it_was_read(local, browser):
    browser.get(f"{local.base}/van-ban/{_pk(local, EXTRACTED)}")
    mark = _find(browser, "#highlight")
    assert not mark.is_displayed()
    _find(browser, "#field-number button.locate").click()
    assert mark.is_displayed() and "located" in _find(browser, "#field-number").get_attribute("class")
    image = _find(browser, "#page-image").rect
    box = mark.rect
    assert box["width"] > 20 and box["height"] > 5
    assert image["x"] <= box["x"] and box["x"] + box["width"] <= image["x"] + image["width"] + 1
    assert image["y"] <= box["y"] < image["y"] + 0.3 * image["height"]        # the number sits in the header
    _shot(browser, "document-highlight")
    _find(browser, "#field-subject th").click()
    moved = mark.rect
    assert moved["y"] > box["y"]                                               # the subject is below the number


def test_click_on_a_task_highlights_where_it_was_read(local, browser):
    browser.get(f"{local.base}/van-ban/{_pk(local, EXTRACTED)}")
    mark = _find(browser, "#highlight")
    rows = _all(browser, "#doc-tasks tr[data-box]")
    assert rows, "the extracted tasks carry their source box"
    row = next(r for r in rows if r.get_attribute("data-page") == "1")
    row.find_element("css selector", "button.locate").click()
    assert mark.is_displayed() and "located" in row.get_attribute("class")
    image, box = _find(browser, "#page-image").rect, mark.rect
    assert box["width"] > 50 and box["height"] > 5
    assert image["y"] + 0.15 * image["height"] <= box["y"] <= image["y"] + image["height"]   # in the body
    _shot(browser, "document-task-highlight")


def test_flagged_fields_are_marked(local, browser):
    pk = _pk(local, "cd-ubnd-quangbinh-mua-lu-scan")
    browser.get(f"{local.base}/van-ban/{pk}")
    flagged = {r.get_attribute("data-field") for r in _all(browser, "#fields tr.review")}
    assert flagged == {"number", "subject"}
    assert _find(browser, "#field-number .conf").text == "55%"
    _shot(browser, "document-scan")


def test_mark_task_done_and_reopen(local, browser):
    pk = _pk(local, "cv-sgddt-thanhhoa-thi-tot-nghiep")
    browser.get(f"{local.base}/nhiem-vu?vanban={pk}")
    row = _all(browser, "#tasks tbody tr")[0]
    task_id = row.get_attribute("id")
    _submit(browser, row.find_element("css selector", "button"))
    assert "Đã đánh dấu hoàn thành" in _find(browser, ".flash").text
    row = _find(browser, f"#{task_id}")
    assert "hoàn thành" in row.text.lower() or "Đúng hạn" in row.text
    assert row.find_element("css selector", "button").text == "Mở lại"
    _submit(browser, row.find_element("css selector", "button"))
    assert _find(browser, f"#{task_id} button").text == "Hoàn thành"


def test_documents_list_and_search(local, browser):
    browser.get(local.base + "/van-ban?q=giao duc")
    rows = _all(browser, "#documents tbody tr")
    assert rows and all("giáo dục" in r.text.lower() for r in rows)
    link = _find(browser, "#documents tbody a")
    _submit(browser, link)
    assert "/van-ban/" in browser.current_url and _find(browser, "#fields")
    browser.get(local.base + "/van-ban")
    stored = len(list((ROOT / "samples" / "expected").glob("*.json"))) + 1     # the samples and `xss`
    assert len(_all(browser, "#documents tbody tr")) == stored
    _shot(browser, "documents")


def test_csrf_less_post_is_refused(local, browser):
    pk = _pk(local, "cv-sgddt-thanhhoa-thi-tot-nghiep")
    browser.get(f"{local.base}/van-ban/{pk}")
    assert _post(browser, f"/van-ban/{pk}/hieu-chinh", {"field": "place", "value": "X"}, with_csrf=False) == 403
    assert _post(browser, f"/van-ban/{pk}/hieu-chinh", {"field": "place", "value": "Thanh Hóa", "expected": "Thanh Hóa"}) in (0, 303)


def test_xss_subject_renders_inert(local, browser):
    pk = _pk(local, "xss")
    for path in (f"/van-ban/{pk}", "/van-ban", "/nhiem-vu?donvi=kiem+thu"):
        browser.get(local.base + path)
        assert browser.title != "pwned"
        assert not _all(browser, "#xss-img")
        assert "<script>" in browser.find_element("css selector", "main").text
    browser.get(f"{local.base}/van-ban/{pk}")
    assert _find(browser, "#doc-subject").text == XSS_SUBJECT


# ---- accounts and roles ----------------------------------------------------------------------------

def _login(driver, base: str, name: str, password: str = PASSWORD) -> None:
    driver.delete_all_cookies()
    driver.get(base + "/dang-nhap")
    _find(driver, "#name").send_keys(name)
    _find(driver, "#password").send_keys(password)
    _submit(driver, _find(driver, "#login"))


def test_login_required_and_roles(accounts, browser):
    browser.delete_all_cookies()
    browser.get(accounts.base + "/nhiem-vu")
    assert "/dang-nhap" in browser.current_url
    _login(browser, accounts.base, "chuyenvien", "sai-mat-khau")
    assert "không đúng" in _find(browser, ".alert").text

    _login(browser, accounts.base, "vanthu")
    assert "Tổng quan" in _find(browser, "h1").text
    cookie = browser.get_cookie("congvan_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    pk = _pk(accounts, "cv-sgddt-thanhhoa-thi-tot-nghiep")
    browser.get(f"{accounts.base}/van-ban/{pk}")
    assert not _all(browser, "details.edit")                       # no correction forms for văn thư
    assert _post(browser, f"/van-ban/{pk}/hieu-chinh", {"field": "place", "value": "X"}) == 403
    assert _post(browser, "/nhiem-vu/1/trang-thai", {"status": "done"}) == 403
    assert _post(browser, "/tai-khoan", {"name": "x", "password": "0123456789", "roles": "quan_tri"}) == 403
    browser.get(accounts.base + "/tai-len")
    sample = ROOT / "samples" / "docs" / "cv-bnn-dong-xuan.txt"
    _find(browser, "#file").send_keys(str(sample))
    _submit(browser, _find(browser, "#upload-form button"))
    assert "cv-bnn-dong-xuan.txt" in _find(browser, "#upload-ok").text
    assert (accounts.folder / "inbox" / sample.name).read_bytes() == sample.read_bytes()
    assert sample.name in _find(browser, "#inbox").text
    _shot(browser, "upload")

    _login(browser, accounts.base, "chuyenvien")
    browser.get(f"{accounts.base}/van-ban/{pk}")
    assert _all(browser, "details.edit")
    assert _post(browser, "/tai-len", {}) == 403
    assert _post(browser, "/cach-ly/1/tra-lai", {}) == 403
    assert _post(browser, "/tai-khoan", {"name": "x", "password": "0123456789", "roles": "quan_tri"}) == 403
    browser.get(accounts.base + "/tai-khoan")
    assert "Không có quyền" in _find(browser, "h1").text

    _login(browser, accounts.base, "quantri")
    browser.get(accounts.base + "/tai-khoan")
    assert {"vanthu", "chuyenvien", "quantri"} <= {r.find_element("css selector", "td").text
                                                    for r in _all(browser, "#accounts tbody tr")}
    _shot(browser, "accounts")
    browser.get(f"{accounts.base}/van-ban/{pk}")
    assert _post(browser, f"/van-ban/{pk}/hieu-chinh", {"field": "place", "value": "X"}) == 403
    assert _post(browser, "/nhiem-vu/1/trang-thai", {"status": "done"}) == 403
    assert _post(browser, "/tai-len", {}) == 403
