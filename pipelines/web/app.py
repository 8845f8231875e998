"""The review workspace: a FastAPI app of server-rendered Jinja2 pages (Vietnamese), no inline script.

Security: signed HttpOnly SameSite=Strict session cookies, a CSRF token on every form (a POST
without it is refused with 403), roles per action, a rate-limited login, a strict
Content-Security-Policy, autoescaped templates, access logs without query strings.
"""
from __future__ import annotations

import getpass
import ipaddress
import logging
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.background import BackgroundTask

from pipelines.store import Conflict, StoreError
from pipelines.store.tracking import DOCUMENT_FIELDS, TASK_STATES, parse_date
from pipelines.web import labels
from pipelines.web.data import TASK_SORTS, WebData
from pipelines.web.files import (
    MAX_UPLOAD_BYTES,
    PageRenderer,
    PageUnavailable,
    UploadError,
    check_upload,
    inbox_files,
    release,
    store_upload,
)
from pipelines.web.security import (
    DUMMY_HASH,
    LOCAL_ROLES,
    PERMISSIONS,
    ROLES,
    RateLimiter,
    Signer,
    allowed,
    hash_password,
    load_secret,
    new_session,
    role_key,
    verify_password,
)

log = logging.getLogger("congvan.web")
HERE = Path(__file__).parent
COOKIE = "congvan_session"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
MESSAGES = {
    "corrected": "Đã lưu hiệu chỉnh.", "done": "Đã đánh dấu hoàn thành.", "reopened": "Đã mở lại nhiệm vụ.",
    "dismissed": "Đã loại bỏ nhiệm vụ trích xuất sai.", "added": "Đã thêm nhiệm vụ.",
    "released": "Đã trả tệp về hộp thư đến để xử lý lại.", "uploaded": "Đã nhận tệp vào hộp thư đến.",
    "saved": "Đã lưu tài khoản.", "nochange": "Không có thay đổi.",
}
PAGE_PROBLEMS = {
    "page": "Văn bản không có trang này.",
    "file": "Không tìm thấy tệp gốc của văn bản (đã chuyển hoặc bị xoá).",
    "format": "Không hiển thị được loại tệp này dưới dạng ảnh trang.",
    "render": "Không dựng được ảnh của trang này (tệp hỏng, quá lớn hoặc xử lý quá lâu). "
              "Các trường đã trích xuất vẫn xem và hiệu chỉnh được.",
}
# the fields an analyst corrects on the document page, in reading order
EDITABLE = ["official", "doc_type", "number", "symbol", "code", "date", "place", "issuer", "issuer_parent", "subject",
            "recipients", "distribution", "signer.name", "signer.title", "signer.authority", "urgency",
            "confidentiality", "references"]


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class Settings:
    db_url: str | None = None
    host: str = "127.0.0.1"
    inbox: Path = Path("inbox")
    quarantine: Path = Path("quarantine")
    processed: Path = Path("processed")
    outputs: Path = Path("outputs")
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    secret: bytes | None = None
    local_user: str = field(default_factory=lambda: _os_user())


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001
        return "người dùng"


def _date(value: str | None) -> date | None:
    return parse_date(value) if value else None


def _safe_next(value: str | None, default: str) -> str:
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


def create_app(settings: Settings | None = None) -> FastAPI:  # noqa: C901 — counts its route closures, each short
    settings = settings or Settings()
    data = WebData(settings.db_url)
    signer = Signer(settings.secret or load_secret(settings.outputs))
    renderer = PageRenderer(settings.outputs / "pages", [settings.processed, settings.inbox])
    limiter = RateLimiter()
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.autoescape = True
    env.filters.update(vndate=labels.vn_date, vndatetime=labels.vn_datetime, vnnum=labels.vn_number,
                       show=labels.show_value, fieldname=labels.field_name)
    env.globals.update(ROLES=ROLES, STATE_CLASSES=labels.STATE_CLASSES, STATUS_NAMES=labels.STATUS_NAMES,
                       ERROR_CLASSES=labels.ERROR_CLASSES, RECURRENCE=labels.RECURRENCE_NAMES)

    app = FastAPI(title="congvan", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.data, app.state.settings = data, settings
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    if is_loopback(settings.host):
        # the loopback user works without a login: a page of another site must not reach this server
        # through a name it rebinds to 127.0.0.1 (DNS rebinding), so only loopback host names are served
        from starlette.middleware.trustedhost import TrustedHostMiddleware
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost", "::1", "[::1]",
                                                                   settings.host])
    accounts_cache = {"at": 0.0, "value": False}

    def login_required() -> bool:
        if not is_loopback(settings.host):
            return True
        if time.monotonic() - accounts_cache["at"] > 2:
            accounts_cache.update(at=time.monotonic(), value=data.has_accounts())
        return accounts_cache["value"]

    account_cache: dict[int, tuple[float, list[str]]] = {}

    def current_roles(session: dict) -> list[str]:
        """The roles of the session's account now (re-read every 5 s); [] when it is disabled or gone."""
        uid = session["uid"]
        at, roles = account_cache.get(uid, (0.0, []))
        if time.monotonic() - at > 5:
            account = data.user(session.get("name") or "")
            roles = ([r for r in account["roles"].split(",") if r in ROLES]
                     if account and account["active"] and account["id"] == uid else [])
            account_cache[uid] = (time.monotonic(), roles)
        return roles

    @app.middleware("http")
    async def session_and_headers(request: Request, call_next):
        started = time.perf_counter()
        session = signer.loads(request.cookies.get(COOKIE))
        fresh = session is None
        if fresh:
            session = new_session("", [], None)
            session["anon"] = True
        if not login_required():
            session.update(name=settings.local_user, roles=list(LOCAL_ROLES), uid=None, anon=False, local=True)
        elif session.get("local") or (session.get("uid") and not current_roles(session)):
            session = {**new_session("", [], None), "anon": True}    # no longer local, or account disabled
            fresh = True
        elif session.get("uid"):
            session["roles"] = current_roles(session)                # roles as they are now
        request.state.session = session
        request.state.new_cookie = fresh
        response = await call_next(request)
        if request.state.new_cookie:
            secure = request.url.scheme == "https" or is_loopback(request.url.hostname or "")
            response.set_cookie(COOKIE, signer.dumps(request.state.session), httponly=True, samesite="strict",
                                secure=secure, path="/", max_age=8 * 3600)
        headers = response.headers
        headers["Content-Security-Policy"] = CSP
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "no-referrer"
        headers.setdefault("Cache-Control", "no-store")
        log.info("%s %s %d %.0f ms", request.method, request.url.path, response.status_code,
                 (time.perf_counter() - started) * 1000)
        return response

    # ---- helpers --------------------------------------------------------------------------

    def user(request: Request) -> dict | None:
        session = request.state.session
        return None if session.get("anon") else session

    def page(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
        session = request.state.session
        context.update(request=request, user=user(request), csrf=signer.csrf(session["sid"]),
                       can={a: allowed(session.get("roles", []), a) for a in PERMISSIONS},
                       message=MESSAGES.get(request.query_params.get("ok", "")), login_required=login_required())
        return templates.TemplateResponse(request, name, context, status_code=status)

    def require_user(request: Request) -> dict:
        u = user(request)
        if u is None:
            raise HTTPException(401)
        return u

    def need(request: Request, action: str) -> dict:
        u = require_user(request)
        if not allowed(u.get("roles", []), action):
            raise HTTPException(403)
        return u

    async def form(request: Request):
        """The posted form, after the CSRF check (403 without a valid token)."""
        try:
            posted = await request.form(max_part_size=settings.max_upload_bytes + 1024)
        except Exception:  # noqa: BLE001 — malformed body
            raise HTTPException(400) from None
        token = posted.get("csrf") or request.headers.get("x-csrf-token")
        if not signer.check_csrf(request.state.session["sid"], token if isinstance(token, str) else None):
            log.warning("refused %s %s: missing or bad CSRF token", request.method, request.url.path)
            raise HTTPException(403, "csrf")
        return posted

    def redirect(url: str, ok: str | None = None) -> RedirectResponse:
        if ok:
            url += ("&" if "?" in url else "?") + urlencode({"ok": ok})
        return RedirectResponse(url, status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        if exc.status_code == 401:
            if request.method == "GET":
                return RedirectResponse("/dang-nhap?" + urlencode({"next": request.url.path}), status_code=303)
            title, text = "Cần đăng nhập", "Phiên làm việc đã hết hạn hoặc chưa đăng nhập."
        elif exc.status_code == 403:
            if exc.detail == "csrf":
                title, text = "Yêu cầu bị từ chối", "Biểu mẫu không hợp lệ hoặc đã hết hạn (thiếu mã CSRF). Hãy tải lại trang."
            else:
                title, text = "Không có quyền", "Tài khoản của bạn không có quyền thực hiện thao tác này."
        elif exc.status_code == 404:
            title, text = "Không tìm thấy", "Trang hoặc văn bản không tồn tại."
        elif exc.status_code == 429:
            title, text = "Thử lại sau", "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút."
        else:
            title, text = "Yêu cầu không hợp lệ", "Không thể xử lý yêu cầu."
        return page(request, "error.html", status=exc.status_code, title=title, text=text)

    # ---- login ----------------------------------------------------------------------------

    @app.get("/dang-nhap", response_class=HTMLResponse)
    def login_page(request: Request, next: str = "/"):
        return page(request, "login.html", next=_safe_next(next, "/"), error=None)

    @app.post("/dang-nhap")
    async def login(request: Request):
        posted = await form(request)
        name = str(posted.get("name") or "").strip()[:100]
        password = str(posted.get("password") or "")
        target = _safe_next(str(posted.get("next") or ""), "/")
        client = request.client.host if request.client else "?"
        keys = (f"ip:{client}", f"user:{name.lower()}")
        if limiter.blocked(*keys):
            log.warning("login rate-limited for a client")
            raise HTTPException(429)
        account = data.user(name) if name else None
        ok = verify_password(password, account["password_hash"] if account else DUMMY_HASH)
        if not (ok and account and account["active"]):
            limiter.failed(*keys)
            log.info("failed login")
            return page(request, "login.html", status=401, next=target,
                        error="Tên đăng nhập hoặc mật khẩu không đúng.")
        limiter.reset(*keys)
        roles = [r for r in account["roles"].split(",") if r in ROLES]
        request.state.session = new_session(account["name"], roles, account["id"])
        request.state.new_cookie = True
        log.info("login of account %s", account["id"])
        return redirect(target)

    @app.post("/dang-xuat")
    async def logout(request: Request):
        await form(request)
        request.state.session = {**new_session("", [], None), "anon": True}
        request.state.new_cookie = True
        return redirect("/dang-nhap")

    # ---- overview -------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse)
    def overview(request: Request):
        require_user(request)
        info = data.overview()
        return page(request, "overview.html", info=info, chart=_bar_chart(info["overdue"]))

    # ---- documents ------------------------------------------------------------------------

    @app.get("/van-ban", response_class=HTMLResponse)
    def document_list(request: Request, q: str = "", loai: str = "", coquan: str = "", tu: str = "",
                            den: str = "", canxem: str = "", truoc: int | None = None):
        require_user(request)
        result = data.list_documents(q=q or None, kind=loai or None, issuer=coquan or None, date_from=_date(tu),
                                     date_to=_date(den), review=bool(canxem), before=truoc)
        params = {k: v for k, v in dict(q=q, loai=loai, coquan=coquan, tu=tu, den=den, canxem=canxem).items() if v}
        next_url = f"/van-ban?{urlencode({**params, 'truoc': result['next']})}" if result["next"] else None
        return page(request, "documents.html", result=result, choices=data.document_choices(),
                    f=dict(q=q, loai=loai, coquan=coquan, tu=tu, den=den, canxem=canxem), next_url=next_url,
                    first_url=f"/van-ban?{urlencode(params)}" if truoc else None)

    def load_document(pk: int) -> dict:
        try:
            return data.document(pk)
        except StoreError:
            raise HTTPException(404) from None

    @app.get("/van-ban/{pk}", response_class=HTMLResponse)
    def document_page(request: Request, pk: int, trang: int = 1):
        require_user(request)
        doc = load_document(pk)
        if doc["main_id"] != doc["id"]:
            # a copy (another format) or an older version: its record, tasks and corrections are the
            # main file's, so the main file's page is the one to read and correct
            return RedirectResponse(f"/van-ban/{doc['main_id']}", status_code=303)
        return _document_response(request, doc, trang)

    def _document_response(request, doc, number=1, status=200, conflict=None):
        record = doc["record"] or {}
        provenance = record.get("provenance") or {}
        rows = []
        for key in EDITABLE:
            value = record
            for part in key.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            prov = provenance.get(key) or provenance.get(key.split(".")[0]) or {}
            corr = doc["field_corrections"].get(key)
            shown = labels.shown_field(DOCUMENT_FIELDS[key], value)
            rows.append({"key": key, "name": labels.field_name(key), "value": shown,
                         "kind": DOCUMENT_FIELDS[key], "confidence": prov.get("confidence"),
                         "review": bool(prov.get("needs_review")) and not corr, "page": prov.get("page"),
                         "source": prov.get("text"), "method": prov.get("method"), "correction": corr,
                         "box": prov.get("box") if isinstance(prov.get("box"), list) and len(prov["box"]) == 4 else None})
        pages = (record.get("file") or {}).get("pages") or 1
        number = min(max(1, number), pages)
        return page(request, "document.html", status=status, doc=doc, record=record, fields=rows,
                    references=record.get("references") or [], pages=pages, page_number=number,
                    conflict=conflict)

    @app.get("/van-ban/{pk}/trang/{number}.png")
    def page_image(request: Request, pk: int, number: int):
        require_user(request)
        doc = load_document(pk)
        try:
            path = renderer.page(doc, number)
        except PageUnavailable as exc:
            reason = str(exc.args[0]) if exc.args else ""
            text = PAGE_PROBLEMS.get(reason, PAGE_PROBLEMS["render"])
            return page(request, "error.html", status=404 if reason in ("page", "file", "format") else 503,
                        title="Không hiển thị được trang", text=text)
        return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    @app.post("/van-ban/{pk}/hieu-chinh")
    async def correct(request: Request, pk: int):
        posted = await form(request)
        u = need(request, "correct")
        field_key = str(posted.get("field") or "")
        if field_key not in DOCUMENT_FIELDS:
            raise HTTPException(400)
        value = str(posted.get("value") or "")
        expected = posted.get("expected")
        try:
            changed = data.correct_document(pk, field_key, value, str(expected) if expected is not None else None,
                                            by=u["name"])
        except Conflict as exc:
            doc = load_document(pk)
            return _document_response(request, doc, status=409, conflict={
                "field": labels.field_name(field_key), "current": labels.show_value(exc.current), "yours": value})
        except StoreError as exc:
            doc = load_document(pk)
            return _document_response(request, doc, status=400, conflict={
                "field": labels.field_name(field_key), "error": _vn_store_error(exc), "yours": value})
        return redirect(f"/van-ban/{pk}", "corrected" if changed else "nochange")

    # ---- tasks ----------------------------------------------------------------------------

    def task_filters(params) -> dict:
        state = params.get("tinhtrang") or None
        return {"assignee": params.get("donvi") or None,
                "state": state if state in WebData.FILTERABLE_STATES else None,
                "due_from": _date(params.get("hantu")), "due_to": _date(params.get("handen")),
                "document": int(params["vanban"]) if (params.get("vanban") or "").isdigit() else None,
                "status": params.get("trangthai") if params.get("trangthai") in ("open", "done") else None}

    @app.get("/nhiem-vu", response_class=HTMLResponse)
    def task_list(request: Request, trang: int = 1, sapxep: str = "han"):
        require_user(request)
        params = request.query_params
        result = data.list_tasks(page=trang, sort=sapxep if sapxep in TASK_SORTS else "han", **task_filters(params))
        keep = {k: v for k, v in params.items() if k in ("donvi", "tinhtrang", "hantu", "handen", "vanban",
                                                          "trangthai", "sapxep") and v}
        return page(request, "tasks.html", result=result, f=keep, sorts=TASK_SORTS,
                    states=[s for s in TASK_STATES if s in WebData.FILTERABLE_STATES],
                    assignees=data.assignee_choices(), query=urlencode(keep),
                    here=str(request.url.path) + ("?" + str(request.url.query) if request.url.query else ""))

    @app.get("/so-dang-ky.xlsx")
    def register_export(request: Request):
        need(request, "register")
        folder = Path(tempfile.mkdtemp(prefix="congvan-export-"))
        path = folder / f"so-van-ban-den-{date.today():%Y%m%d}.xlsx"
        data.export_register(path)

        def cleanup():
            path.unlink(missing_ok=True)
            folder.rmdir()
        return FileResponse(path, filename=path.name, background=BackgroundTask(cleanup),
                            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    @app.get("/nhiem-vu/xuat.{fmt}")
    def task_export(request: Request, fmt: str):
        require_user(request)
        if fmt not in ("xlsx", "csv"):
            raise HTTPException(404)
        folder = Path(tempfile.mkdtemp(prefix="congvan-export-"))
        path = folder / f"nhiem-vu-{date.today():%Y%m%d}.{fmt}"
        data.export_tasks(path, fmt, **task_filters(request.query_params))

        def cleanup():
            path.unlink(missing_ok=True)
            folder.rmdir()
        media = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if fmt == "xlsx"
                 else "text/csv; charset=utf-8")
        return FileResponse(path, media_type=media, filename=path.name, background=BackgroundTask(cleanup))

    @app.post("/nhiem-vu/{task_id}/trang-thai")
    async def task_status(request: Request, task_id: int):
        posted = await form(request)
        u = need(request, "tasks")
        status = posted.get("status")
        if status not in ("open", "done"):
            raise HTTPException(400)
        try:
            data.set_task_status(task_id, status, by=u["name"])
        except StoreError:
            raise HTTPException(404) from None
        return redirect(_safe_next(str(posted.get("next") or ""), "/nhiem-vu"),
                        "done" if status == "done" else "reopened")

    @app.post("/nhiem-vu/{task_id}/hieu-chinh")
    async def task_correct(request: Request, task_id: int):
        posted = await form(request)
        u = need(request, "correct")
        field_key = str(posted.get("field") or "")
        value = str(posted.get("value") or "")
        expected = posted.get("expected")
        pk = data.task_document(task_id)
        if pk is None:
            raise HTTPException(404)
        try:
            data.correct_task(task_id, field_key, value, str(expected) if expected is not None else None, by=u["name"])
        except Conflict as exc:
            current = labels.vn_date(exc.current) if field_key == "deadline" else labels.show_value(exc.current)
            return _document_response(request, load_document(pk), status=409, conflict={
                "field": labels.field_name(field_key), "current": current, "yours": value})
        except StoreError as exc:
            return _document_response(request, load_document(pk), status=400, conflict={
                "field": labels.field_name(field_key), "error": _vn_store_error(exc), "yours": value})
        return redirect(f"/van-ban/{pk}", "corrected")

    @app.post("/nhiem-vu/{task_id}/loai-bo")
    async def task_dismiss(request: Request, task_id: int):
        """A wrongly extracted task dismissed (a correction: it stays dismissed after re-extraction)."""
        await form(request)
        u = need(request, "correct")
        pk = data.task_document(task_id)
        if pk is None:
            raise HTTPException(404)
        data.dismiss_task(task_id, by=u["name"])
        return redirect(f"/van-ban/{pk}", "dismissed")

    @app.post("/van-ban/{pk}/them-nhiem-vu")
    async def task_add(request: Request, pk: int):
        """A task the extraction missed, added by an analyst (kept across re-extraction)."""
        posted = await form(request)
        u = need(request, "correct")
        doc = load_document(pk)
        try:
            data.add_task(pk, action=str(posted.get("action") or ""), lead=str(posted.get("lead") or "") or None,
                          deadline=str(posted.get("deadline") or "").strip() or None, by=u["name"])
        except StoreError as exc:
            return _document_response(request, doc, status=400, conflict={
                "field": "Nhiệm vụ mới", "error": _vn_store_error(exc), "yours": str(posted.get("action") or "")})
        return redirect(f"/van-ban/{pk}", "added")

    # ---- archive staff: quarantine and upload -------------------------------------------------

    @app.get("/cach-ly", response_class=HTMLResponse)
    def quarantine_page(request: Request):
        require_user(request)
        return page(request, "quarantine.html", rows=data.quarantine(), error=None)

    @app.post("/cach-ly/{entry_id}/tra-lai")
    async def quarantine_release(request: Request, entry_id: int):
        await form(request)
        u = need(request, "register")
        entry = data.quarantine_entry(entry_id)
        if entry is None:
            raise HTTPException(404)
        try:
            release(settings.quarantine, settings.inbox, entry["file_name"], entry["sha256"])
        except FileNotFoundError:
            return page(request, "quarantine.html", status=404, rows=data.quarantine(),
                        error=f"Không tìm thấy tệp “{entry['file_name']}” trong thư mục cách ly.")
        log.info("quarantine entry %s released to the inbox by account %s", entry_id, u.get("uid"))
        return redirect("/cach-ly", "released")

    @app.get("/tai-len", response_class=HTMLResponse)
    def upload_page(request: Request):
        require_user(request)
        return page(request, "upload.html", error=None, limit_mb=settings.max_upload_bytes // (1024 * 1024),
                    waiting=inbox_files(settings.inbox))

    @app.post("/tai-len")
    async def upload(request: Request):
        length = int(request.headers.get("content-length") or 0)
        if length > settings.max_upload_bytes + 64 * 1024:
            return page(request, "upload.html", status=413, limit_mb=settings.max_upload_bytes // (1024 * 1024),
                        error=f"Tệp vượt quá giới hạn {settings.max_upload_bytes // (1024 * 1024)} MB.")
        posted = await form(request)
        need(request, "upload")
        item = posted.get("file")
        if item is None or isinstance(item, str) or not item.filename:
            return page(request, "upload.html", status=400, limit_mb=settings.max_upload_bytes // (1024 * 1024),
                        error="Chưa chọn tệp.")
        content = await item.read(settings.max_upload_bytes + 1)
        try:
            name = check_upload(item.filename, content, settings.max_upload_bytes)
            stored = store_upload(settings.inbox, name, content)
        except UploadError as exc:
            return page(request, "upload.html", status=400, limit_mb=settings.max_upload_bytes // (1024 * 1024),
                        error=str(exc))
        log.info("upload of %d bytes stored in the inbox", len(content))
        return page(request, "upload.html", limit_mb=settings.max_upload_bytes // (1024 * 1024), error=None,
                    stored=stored.name, waiting=inbox_files(settings.inbox))

    # ---- accounts -------------------------------------------------------------------------

    @app.get("/tai-khoan", response_class=HTMLResponse)
    def accounts_page(request: Request):
        need(request, "accounts")
        return page(request, "accounts.html", accounts=data.users(), error=None)

    @app.post("/tai-khoan")
    async def accounts_save(request: Request):
        posted = await form(request)
        need(request, "accounts")
        name = str(posted.get("name") or "").strip()
        password = str(posted.get("password") or "")
        try:
            roles = [role_key(r) for r in posted.getlist("roles")]
        except ValueError:
            raise HTTPException(400) from None
        error = None
        if not name or len(name) > 100 or not roles:
            error = "Cần tên đăng nhập và ít nhất một vai trò."
        elif password and len(password) < 10:
            error = "Mật khẩu cần ít nhất 10 ký tự."
        if error is None:
            try:
                data.save_user(name, hash_password(password) if password else None, roles,
                               active=posted.get("active", "1") == "1")
            except StoreError:
                error = "Tài khoản mới cần mật khẩu."
        if error:
            return page(request, "accounts.html", status=400, accounts=data.users(), error=error)
        accounts_cache["at"] = 0.0
        account_cache.clear()
        return redirect("/tai-khoan", "saved")

    return app


def _vn_store_error(exc: Exception) -> str:
    text = str(exc)
    if "not a date" in text:
        return "Ngày không hợp lệ (nhập dd/mm/yyyy)."
    return "Giá trị không hợp lệ."


def _bar_chart(items: list[tuple[str, int]]) -> dict:
    """Geometry of the overdue-by-body bar chart (drawn as SVG by the template)."""
    width, label_w, bar_h, gap = 640, 260, 22, 8
    top = max((n for _, n in items), default=0) or 1
    bars = []
    for i, (name, n) in enumerate(items):
        y = i * (bar_h + gap)
        w = max(2, round((width - label_w - 50) * n / top))
        short = name if len(name) <= 38 else name[:37] + "…"
        bars.append({"name": name, "short": short, "n": n, "y": y, "w": w, "ty": y + bar_h * 0.7})
    return {"width": width, "height": max(1, len(items)) * (bar_h + gap), "label_w": label_w, "bar_h": bar_h,
            "bars": bars}
