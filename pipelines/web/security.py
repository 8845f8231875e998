"""Passwords (stdlib scrypt), signed session cookies, CSRF tokens, roles and the login rate limit.

No third-party crypto: `hashlib.scrypt` for passwords, HMAC-SHA256 for cookies and CSRF tokens.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from collections import defaultdict, deque
from pathlib import Path

# role key → Vietnamese name; what each may do
ROLES = {"van_thu": "Văn thư", "chuyen_vien": "Chuyên viên", "quan_tri": "Quản trị"}
ROLE_ALIASES = {"văn thư": "van_thu", "van thu": "van_thu", "vanthu": "van_thu", "clerk": "van_thu",
                "chuyên viên": "chuyen_vien", "chuyen vien": "chuyen_vien", "analyst": "chuyen_vien",
                "quản trị": "quan_tri", "quan tri": "quan_tri", "admin": "quan_tri"}
PERMISSIONS = {
    "upload": {"van_thu"},          # upload into the inbox, release from quarantine (registering)
    "register": {"van_thu"},
    "review": {"chuyen_vien"},      # correct fields, tasks done/reopen
    "correct": {"chuyen_vien"},
    "tasks": {"chuyen_vien"},
    "accounts": {"quan_tri"},
}
LOCAL_ROLES = tuple(ROLES)          # the single local user (loopback, no accounts) may do everything

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
SESSION_SECONDS = 8 * 3600


def role_key(text: str) -> str:
    """`văn thư`, `van_thu`, `clerk` … → the role key; ValueError for an unknown role."""
    key = " ".join(text.strip().lower().replace("_", " ").split())
    key = ROLE_ALIASES.get(key, key.replace(" ", "_"))
    if key not in ROLES:
        raise ValueError(f"unknown role {text!r} (văn thư, chuyên viên, quản trị)")
    return key


def allowed(roles, action: str) -> bool:
    return bool(set(roles) & PERMISSIONS[action])


# ---- passwords ------------------------------------------------------------------------------

def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str | None) -> bool:
    try:
        scheme, n, r, p, salt, digest = (stored or "").split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(digest) // 2)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


DUMMY_HASH = hash_password(secrets.token_hex(8))   # checked for unknown names: same time as a real check


# ---- signed values -------------------------------------------------------------------------

def load_secret(folder: str | Path = "outputs") -> bytes:
    """`$CONGVAN_WEB_SECRET`, else a random key kept in `<folder>/.web-secret` (mode 0600)."""
    from models.settings import setting
    env = setting("web_secret")
    if env:
        return env.encode()
    path = Path(folder) / ".web-secret"
    try:
        return bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError):
        pass
    key = secrets.token_bytes(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key.hex())
    return key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    def __init__(self, secret: bytes):
        self.secret = secret

    def _mac(self, purpose: str, data: str) -> str:
        return _b64(hmac.new(self.secret, f"{purpose}:{data}".encode(), hashlib.sha256).digest())

    def dumps(self, payload: dict) -> str:
        data = _b64(json.dumps(payload, separators=(",", ":")).encode())
        return f"{data}.{self._mac('session', data)}"

    def loads(self, token: str | None) -> dict | None:
        """The payload of a cookie signed by us and not expired; None otherwise."""
        if not token or "." not in token:
            return None
        data, mac = token.rsplit(".", 1)
        if not hmac.compare_digest(mac, self._mac("session", data)):
            return None
        try:
            payload = json.loads(_unb64(data))
        except ValueError:
            return None
        if not isinstance(payload, dict) or payload.get("exp", 0) < time.time():
            return None
        return payload

    def csrf(self, sid: str) -> str:
        """The CSRF token of a session (synchroniser token derived from the session id)."""
        return self._mac("csrf", sid)

    def check_csrf(self, sid: str, token: str | None) -> bool:
        if not token:
            return False
        # as bytes: compare_digest raises TypeError on a str with non-ASCII characters (a forged token)
        return hmac.compare_digest(token.encode(), self.csrf(sid).encode())


def new_session(name: str, roles, user_id: int | None) -> dict:
    return {"sid": secrets.token_urlsafe(18), "name": name, "roles": list(roles), "uid": user_id,
            "exp": int(time.time()) + SESSION_SECONDS}


# ---- login rate limit ----------------------------------------------------------------------

class RateLimiter:
    """At most `limit` failed logins per `window` seconds per client address and per account name."""

    def __init__(self, limit: int = 5, window: float = 300.0):
        self.limit, self.window = limit, window
        self._fails: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque:
        q = self._fails[key]
        while q and q[0] < now - self.window:
            q.popleft()
        return q

    def blocked(self, *keys: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return any(len(self._recent(k, now)) >= self.limit for k in keys)

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for k in keys:
                self._recent(k, now).append(now)

    def reset(self, *keys: str) -> None:
        with self._lock:
            for k in keys:
                self._fails.pop(k, None)
