"""The workspace's pages, in route groups (one `APIRouter` each, mounted by `create_app`): sign-in and
the overview, documents, tasks, the archive staff's quarantine and uploads, accounts."""
from __future__ import annotations

import logging
import tempfile
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from starlette.background import BackgroundTask

from pipelines.store import Conflict, StoreError
from pipelines.store.tracking import DOCUMENT_FIELDS, TASK_STATES
from pipelines.web import labels
from pipelines.web.context import Web, parse_day, safe_next
from pipelines.web.data import TASK_SORTS, WebData
from pipelines.web.files import PageUnavailable, UploadError, check_upload, inbox_files, release, store_upload
from pipelines.web.security import DUMMY_HASH, ROLES, hash_password, new_session, role_key, verify_password

log = logging.getLogger("congvan.web")
PAGE_PROBLEMS = {
    "page": "Văn bản không có trang này.",
    "file": "Không tìm thấy tệp gốc của văn bản (đã chuyển hoặc bị xoá).",
    "format": "Không hiển thị được loại tệp này dưới dạng ảnh trang.",
    "render": "Không dựng được ảnh của trang này (tệp hỏng, quá lớn hoặc xử lý quá lâu). "
              "Các trường đã trích xuất vẫn xem và hiệu chỉnh được.",
}


def session_routes(web: Web) -> APIRouter:
    """Sign-in, sign-out and the overview."""
    data = web.data
    page = web.page
    require_user = web.require_user
    form = web.form
    redirect = web.redirect
    limiter = web.limiter
    router = APIRouter()

    # ---- login ----------------------------------------------------------------------------

    @router.get("/dang-nhap", response_class=HTMLResponse)
    def login_page(request: Request, next: str = "/"):
        return page(request, "login.html", next=safe_next(next, "/"), error=None)

    @router.post("/dang-nhap")
    async def login(request: Request):
        posted = await form(request)
        name = str(posted.get("name") or "").strip()[:100]
        password = str(posted.get("password") or "")
        target = safe_next(str(posted.get("next") or ""), "/")
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

    @router.post("/dang-xuat")
    async def logout(request: Request):
        await form(request)
        request.state.session = {**new_session("", [], None), "anon": True}
        request.state.new_cookie = True
        return redirect("/dang-nhap")

    # ---- overview -------------------------------------------------------------------------

    @router.get("/", response_class=HTMLResponse)
    def overview(request: Request):
        require_user(request)
        info = data.overview()
        return page(request, "overview.html", info=info, chart=_bar_chart(info["overdue"]))

    return router


def document_routes(web: Web) -> APIRouter:
    """The document list, one document (page image, fields, corrections)."""
    data = web.data
    page = web.page
    need = web.need
    require_user = web.require_user
    form = web.form
    redirect = web.redirect
    load_document = web.load_document
    document_response = web.document_response
    renderer = web.renderer
    router = APIRouter()

    # ---- documents ------------------------------------------------------------------------

    @router.get("/van-ban", response_class=HTMLResponse)
    def document_list(request: Request, q: str = "", loai: str = "", coquan: str = "", tu: str = "",
                            den: str = "", canxem: str = "", truoc: int | None = None):
        require_user(request)
        result = data.list_documents(q=q or None, kind=loai or None, issuer=coquan or None, date_from=parse_day(tu),
                                     date_to=parse_day(den), review=bool(canxem), before=truoc)
        params = {k: v for k, v in dict(q=q, loai=loai, coquan=coquan, tu=tu, den=den, canxem=canxem).items() if v}
        next_url = f"/van-ban?{urlencode({**params, 'truoc': result['next']})}" if result["next"] else None
        return page(request, "documents.html", result=result, choices=data.document_choices(),
                    f=dict(q=q, loai=loai, coquan=coquan, tu=tu, den=den, canxem=canxem), next_url=next_url,
                    first_url=f"/van-ban?{urlencode(params)}" if truoc else None)

    @router.get("/van-ban/{pk}", response_class=HTMLResponse)
    def document_page(request: Request, pk: int, trang: int = 1):
        require_user(request)
        doc = load_document(pk)
        if doc["main_id"] != doc["id"]:
            # a copy (another format) or an older version: its record, tasks and corrections are the
            # main file's, so the main file's page is the one to read and correct
            return RedirectResponse(f"/van-ban/{doc['main_id']}", status_code=303)
        return document_response(request, doc, trang)

    @router.get("/van-ban/{pk}/trang/{number}.png")
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

    @router.post("/van-ban/{pk}/hieu-chinh")
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
            return document_response(request, doc, status=409, conflict={
                "field": labels.field_name(field_key), "current": labels.show_value(exc.current), "yours": value})
        except StoreError as exc:
            doc = load_document(pk)
            return document_response(request, doc, status=400, conflict={
                "field": labels.field_name(field_key), "error": _vn_store_error(exc), "yours": value})
        return redirect(f"/van-ban/{pk}", "corrected" if changed else "nochange")

    return router


def task_routes(web: Web) -> APIRouter:
    """The task list and its exports, the register export, a task's status and corrections."""
    data = web.data
    page = web.page
    need = web.need
    require_user = web.require_user
    form = web.form
    redirect = web.redirect
    load_document = web.load_document
    document_response = web.document_response
    task_filters = web.task_filters
    router = APIRouter()

    # ---- tasks ----------------------------------------------------------------------------
    @router.get("/nhiem-vu", response_class=HTMLResponse)
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

    @router.get("/so-dang-ky.xlsx")
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

    @router.get("/nhiem-vu/xuat.{fmt}")
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

    @router.post("/nhiem-vu/{task_id}/trang-thai")
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
        return redirect(safe_next(str(posted.get("next") or ""), "/nhiem-vu"),
                        "done" if status == "done" else "reopened")

    @router.post("/nhiem-vu/{task_id}/hieu-chinh")
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
            return document_response(request, load_document(pk), status=409, conflict={
                "field": labels.field_name(field_key), "current": current, "yours": value})
        except StoreError as exc:
            return document_response(request, load_document(pk), status=400, conflict={
                "field": labels.field_name(field_key), "error": _vn_store_error(exc), "yours": value})
        return redirect(f"/van-ban/{pk}", "corrected")

    @router.post("/nhiem-vu/{task_id}/loai-bo")
    async def task_dismiss(request: Request, task_id: int):
        """A wrongly extracted task dismissed (a correction: it stays dismissed after re-extraction)."""
        await form(request)
        u = need(request, "correct")
        pk = data.task_document(task_id)
        if pk is None:
            raise HTTPException(404)
        data.dismiss_task(task_id, by=u["name"])
        return redirect(f"/van-ban/{pk}", "dismissed")

    @router.post("/van-ban/{pk}/them-nhiem-vu")
    async def task_add(request: Request, pk: int):
        """A task the extraction missed, added by an analyst (kept across re-extraction)."""
        posted = await form(request)
        u = need(request, "correct")
        doc = load_document(pk)
        try:
            data.add_task(pk, action=str(posted.get("action") or ""), lead=str(posted.get("lead") or "") or None,
                          deadline=str(posted.get("deadline") or "").strip() or None, by=u["name"])
        except StoreError as exc:
            return document_response(request, doc, status=400, conflict={
                "field": "Nhiệm vụ mới", "error": _vn_store_error(exc), "yours": str(posted.get("action") or "")})
        return redirect(f"/van-ban/{pk}", "added")

    return router


def archive_routes(web: Web) -> APIRouter:
    """The archive staff's quarantine (release a file) and uploads into the inbox."""
    data = web.data
    settings = web.settings
    page = web.page
    need = web.need
    require_user = web.require_user
    form = web.form
    redirect = web.redirect
    router = APIRouter()


    # ---- archive staff: quarantine and upload -------------------------------------------------

    @router.get("/cach-ly", response_class=HTMLResponse)
    def quarantine_page(request: Request):
        require_user(request)
        return page(request, "quarantine.html", rows=data.quarantine(), error=None)

    @router.post("/cach-ly/{entry_id}/tra-lai")
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

    @router.get("/tai-len", response_class=HTMLResponse)
    def upload_page(request: Request):
        require_user(request)
        return page(request, "upload.html", error=None, limit_mb=settings.max_upload_bytes // (1024 * 1024),
                    waiting=inbox_files(settings.inbox))

    @router.post("/tai-len")
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

    return router


def account_routes(web: Web) -> APIRouter:
    """Accounts (quản trị)."""
    data = web.data
    page = web.page
    need = web.need
    form = web.form
    redirect = web.redirect
    router = APIRouter()


    # ---- accounts -------------------------------------------------------------------------

    @router.get("/tai-khoan", response_class=HTMLResponse)
    def accounts_page(request: Request):
        need(request, "accounts")
        return page(request, "accounts.html", accounts=data.users(), error=None)

    @router.post("/tai-khoan")
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
        web.forget_accounts()
        return redirect("/tai-khoan", "saved")

    return router


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
