"""What every route of the workspace shares: the data, the session signer, the page renderer, the
templates, and the helpers of a request (its user, a page, the role check, the CSRF-checked form)."""
from __future__ import annotations

import logging
import time
from pathlib import Path
from urllib.parse import urlencode

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from pipelines.store import StoreError
from pipelines.store.tracking import DOCUMENT_FIELDS, parse_date
from pipelines.web import labels
from pipelines.web.data import WebData
from pipelines.web.files import PageRenderer
from pipelines.web.security import PERMISSIONS, ROLES, RateLimiter, Signer, allowed, load_secret

log = logging.getLogger("congvan.web")
HERE = Path(__file__).parent
MESSAGES = {
    "corrected": "Đã lưu hiệu chỉnh.", "done": "Đã đánh dấu hoàn thành.", "reopened": "Đã mở lại nhiệm vụ.",
    "dismissed": "Đã loại bỏ nhiệm vụ trích xuất sai.", "added": "Đã thêm nhiệm vụ.",
    "released": "Đã trả tệp về hộp thư đến để xử lý lại.", "uploaded": "Đã nhận tệp vào hộp thư đến.",
    "saved": "Đã lưu tài khoản.", "nochange": "Không có thay đổi.",
}
# the fields an analyst corrects on the document page, in reading order
EDITABLE = ["official", "doc_type", "number", "symbol", "code", "date", "place", "issuer", "issuer_parent", "subject",
            "recipients", "distribution", "signer.name", "signer.title", "signer.authority", "urgency",
            "confidentiality", "references"]


def is_loopback(host: str) -> bool:
    import ipaddress
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_day(value: str | None):
    return parse_date(value) if value else None


def safe_next(value: str | None, default: str) -> str:
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.autoescape = True
    env.filters.update(vndate=labels.vn_date, vndatetime=labels.vn_datetime, vnnum=labels.vn_number,
                       show=labels.show_value, fieldname=labels.field_name)
    env.globals.update(ROLES=ROLES, STATE_CLASSES=labels.STATE_CLASSES, STATUS_NAMES=labels.STATUS_NAMES,
                       ERROR_CLASSES=labels.ERROR_CLASSES, RECURRENCE=labels.RECURRENCE_NAMES)
    return templates


class Web:
    """The workspace of one app (`create_app`): its settings and shared objects, and request helpers."""

    def __init__(self, settings):
        self.settings = settings
        self.data = WebData(settings.db_url)
        self.signer = Signer(settings.secret or load_secret(settings.outputs))
        self.renderer = PageRenderer(settings.outputs / "pages", [settings.processed, settings.inbox])
        self.limiter = RateLimiter()
        self.templates = _templates()
        self._accounts = {"at": 0.0, "value": False}
        self._roles: dict[int, tuple[float, list[str]]] = {}

    # ---- accounts and sessions --------------------------------------------------------------

    def login_required(self) -> bool:
        if not is_loopback(self.settings.host):
            return True
        if time.monotonic() - self._accounts["at"] > 2:
            self._accounts.update(at=time.monotonic(), value=self.data.has_accounts())
        return bool(self._accounts["value"])

    def current_roles(self, session: dict) -> list[str]:
        """The roles of the session's account now (re-read every 5 s); [] when it is disabled or gone."""
        uid = session["uid"]
        at, roles = self._roles.get(uid, (0.0, []))
        if time.monotonic() - at > 5:
            account = self.data.user(session.get("name") or "")
            roles = ([r for r in account["roles"].split(",") if r in ROLES]
                     if account and account["active"] and account["id"] == uid else [])
            self._roles[uid] = (time.monotonic(), roles)
        return roles

    def forget_accounts(self) -> None:
        """After an account changed: re-read accounts and roles at the next request."""
        self._accounts["at"] = 0.0
        self._roles.clear()

    # ---- request helpers ----------------------------------------------------------------------

    @staticmethod
    def user(request: Request) -> dict | None:
        session = request.state.session
        return None if session.get("anon") else session

    def page(self, request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
        session = request.state.session
        context.update(request=request, user=self.user(request), csrf=self.signer.csrf(session["sid"]),
                       can={a: allowed(session.get("roles", []), a) for a in PERMISSIONS},
                       message=MESSAGES.get(request.query_params.get("ok", "")),
                       login_required=self.login_required())
        return self.templates.TemplateResponse(request, name, context, status_code=status)

    def require_user(self, request: Request) -> dict:
        u = self.user(request)
        if u is None:
            raise HTTPException(401)
        return u

    def need(self, request: Request, action: str) -> dict:
        u = self.require_user(request)
        if not allowed(u.get("roles", []), action):
            raise HTTPException(403)
        return u

    async def form(self, request: Request):
        """The posted form, after the CSRF check (403 without a valid token)."""
        try:
            posted = await request.form(max_part_size=self.settings.max_upload_bytes + 1024)
        except Exception:  # noqa: BLE001 — malformed body
            raise HTTPException(400) from None
        token = posted.get("csrf") or request.headers.get("x-csrf-token")
        if not self.signer.check_csrf(request.state.session["sid"], token if isinstance(token, str) else None):
            log.warning("refused %s %s: missing or bad CSRF token", request.method, request.url.path)
            raise HTTPException(403, "csrf")
        return posted

    @staticmethod
    def redirect(url: str, ok: str | None = None) -> RedirectResponse:
        if ok:
            url += ("&" if "?" in url else "?") + urlencode({"ok": ok})
        return RedirectResponse(url, status_code=303)

    # ---- documents ----------------------------------------------------------------------------

    def load_document(self, pk: int) -> dict:
        try:
            return self.data.document(pk)
        except StoreError:
            raise HTTPException(404) from None

    def document_response(self, request, doc, number=1, status=200, conflict=None):
        """The document page: the page image beside the fields (value, source, box, review flag,
        correction), the references and the tasks; `conflict`: a correction that was not saved."""
        record = doc["record"] or {}
        provenance = record.get("provenance") or {}
        rows = []
        for key in EDITABLE:
            value = record
            for part in key.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            prov = provenance.get(key) or provenance.get(key.split(".")[0]) or {}
            corr = doc["field_corrections"].get(key)
            box = prov.get("box")
            rows.append({"key": key, "name": labels.field_name(key), "value": labels.shown_field(DOCUMENT_FIELDS[key], value),
                         "kind": DOCUMENT_FIELDS[key], "confidence": prov.get("confidence"),
                         "review": bool(prov.get("needs_review")) and not corr, "page": prov.get("page"),
                         "source": labels.official_source(prov.get("text")) if key == "official" else prov.get("text"), "method": prov.get("method"), "correction": corr,
                         "box": box if isinstance(box, list) and len(box) == 4 else None})
        pages = (record.get("file") or {}).get("pages") or 1
        number = min(max(1, number), pages)
        return self.page(request, "document.html", status=status, doc=doc, record=record, fields=rows,
                         references=record.get("references") or [], pages=pages, page_number=number,
                         conflict=conflict)

    @staticmethod
    def task_filters(params) -> dict:
        state = params.get("tinhtrang") or None
        return {"assignee": params.get("donvi") or None,
                "state": state if state in WebData.FILTERABLE_STATES else None,
                "due_from": parse_day(params.get("hantu")), "due_to": parse_day(params.get("handen")),
                "document": int(params["vanban"]) if (params.get("vanban") or "").isdigit() else None,
                "status": params.get("trangthai") if params.get("trangthai") in ("open", "done") else None}
