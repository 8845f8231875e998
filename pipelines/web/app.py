"""The review workspace: a FastAPI app of server-rendered Jinja2 pages (Vietnamese), no inline script.

Security: signed HttpOnly SameSite=Strict session cookies, a CSRF token on every form (a POST
without it is refused with 403), roles per action, a rate-limited login, a strict
Content-Security-Policy, autoescaped templates, access logs without query strings.
The pages are in `routes` (route groups), the shared objects and request helpers in `context`.
"""
from __future__ import annotations

import getpass
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from pipelines.web import routes
from pipelines.web.context import EDITABLE, HERE, Web, is_loopback
from pipelines.web.files import MAX_UPLOAD_BYTES
from pipelines.web.security import LOCAL_ROLES, new_session

__all__ = ["COOKIE", "CSP", "EDITABLE", "Settings", "create_app", "is_loopback"]
log = logging.getLogger("congvan.web")
COOKIE = "congvan_session"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
ERRORS = {
    401: ("Cần đăng nhập", "Phiên làm việc đã hết hạn hoặc chưa đăng nhập."),
    403: ("Không có quyền", "Tài khoản của bạn không có quyền thực hiện thao tác này."),
    404: ("Không tìm thấy", "Trang hoặc văn bản không tồn tại."),
    429: ("Thử lại sau", "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút."),
}
CSRF_REFUSED = ("Yêu cầu bị từ chối", "Biểu mẫu không hợp lệ hoặc đã hết hạn (thiếu mã CSRF). Hãy tải lại trang.")


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


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    web = Web(settings)
    app = FastAPI(title="congvan", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.data, app.state.settings, app.state.web = web.data, settings, web
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    if is_loopback(settings.host):
        # the loopback user works without a login: a page of another site must not reach this server
        # through a name it rebinds to 127.0.0.1 (DNS rebinding), so only loopback host names are served
        from starlette.middleware.trustedhost import TrustedHostMiddleware
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost", "::1", "[::1]",
                                                                   settings.host])
    _add_session_middleware(app, web)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        if exc.status_code == 401 and request.method == "GET":
            return RedirectResponse("/dang-nhap?" + urlencode({"next": request.url.path}), status_code=303)
        title, text = CSRF_REFUSED if exc.status_code == 403 and exc.detail == "csrf" else ERRORS.get(
            exc.status_code, ("Yêu cầu không hợp lệ", "Không thể xử lý yêu cầu."))
        return web.page(request, "error.html", status=exc.status_code, title=title, text=text)

    for group in (routes.session_routes, routes.document_routes, routes.task_routes, routes.archive_routes,
                  routes.account_routes):
        app.include_router(group(web))
    return app


def _add_session_middleware(app: FastAPI, web: Web) -> None:
    """The session of every request (signed cookie; the local user on loopback without accounts) and
    the security headers and access log line of every response."""
    settings, signer = web.settings, web.signer

    @app.middleware("http")
    async def session_and_headers(request: Request, call_next):
        started = time.perf_counter()
        session = signer.loads(request.cookies.get(COOKIE))
        fresh = session is None
        if session is None:
            session = new_session("", [], None)
            session["anon"] = True
        if not web.login_required():
            session.update(name=settings.local_user, roles=list(LOCAL_ROLES), uid=None, anon=False, local=True)
        elif session.get("local") or (session.get("uid") and not web.current_roles(session)):
            session = {**new_session("", [], None), "anon": True}    # no longer local, or account disabled
            fresh = True
        elif session.get("uid"):
            session["roles"] = web.current_roles(session)            # roles as they are now
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
