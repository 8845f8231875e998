"""`congvan serve` (the review workspace) and `congvan user add|list|disable` (its accounts).

Only argparse is imported here; FastAPI, uvicorn and SQLAlchemy load when a command runs.
"""
from __future__ import annotations

import argparse
import getpass
import sys

from models.settings import setting


def _db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=None,
                        help="SQLAlchemy URL (default: $CONGVAN_DB_URL, else sqlite:///outputs/congvan.sqlite)")


def cmd_serve(args) -> int:
    from pathlib import Path

    import uvicorn

    from pipelines.web.app import Settings, create_app, is_loopback
    from pipelines.web.data import WebData

    if not is_loopback(args.host):
        data = WebData(args.db)
        try:
            accounts = data.has_accounts()
        finally:
            data.close()
        if not accounts:
            print(f"congvan serve: refusing to listen on {args.host}: no accounts exist. Create one first "
                  "(congvan user add NAME --role 'quản trị'), or serve on 127.0.0.1 for this machine only.",
                  file=sys.stderr)
            return 2
        print("congvan serve: listening beyond this machine; put it behind HTTPS (a reverse proxy) so that "
              "passwords and session cookies are encrypted.", file=sys.stderr)
    settings = Settings(db_url=args.db, host=args.host, inbox=Path(args.inbox), quarantine=Path(args.quarantine),
                        processed=Path(args.processed), outputs=Path(args.outputs),
                        max_upload_bytes=args.max_upload_mb * 1024 * 1024)
    app = create_app(settings)
    print(f"congvan: http://{args.host}:{args.port}/", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, server_header=False,
                proxy_headers=not is_loopback(args.host), log_level="warning")
    return 0


def _password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Mật khẩu: ")
    if getpass.getpass("Nhập lại: ") != first:
        raise SystemExit("congvan user: the passwords differ")
    return first


def cmd_user(args) -> int:
    from pipelines.web.data import WebData
    from pipelines.web.security import ROLES, hash_password, role_key

    if args.action != "list" and not args.name:
        print(f"congvan user {args.action}: give the account NAME", file=sys.stderr)
        return 2
    data = WebData(args.db)
    try:
        if args.action == "list":
            for u in data.users():
                labels = ", ".join(ROLES.get(r, r) for r in u["roles"].split(","))
                print(f"{u['name']}\t{labels}\t{'active' if u['active'] else 'disabled'}")
            return 0
        if args.action == "disable":
            user = data.user(args.name)
            if user is None:
                print(f"congvan user: no account {args.name!r}", file=sys.stderr)
                return 2
            data.save_user(args.name, None, user["roles"].split(","), active=False)
            print(f"account {args.name} disabled")
            return 0
        try:
            roles = sorted({role_key(r) for r in args.role or []})
        except ValueError as exc:
            print(f"congvan user: {exc}", file=sys.stderr)
            return 2
        if not roles:
            print("congvan user: give at least one --role (văn thư, chuyên viên, quản trị)", file=sys.stderr)
            return 2
        password = _password(args)
        if len(password) < 10:
            print("congvan user: the password needs at least 10 characters", file=sys.stderr)
            return 2
        outcome = data.save_user(args.name, hash_password(password), roles)
        print(f"account {args.name} {'created' if outcome == 'new' else 'updated'}: "
              f"{', '.join(ROLES[r] for r in roles)}")
        return 0
    finally:
        data.close()


def register(sub) -> None:
    p = sub.add_parser("serve", help="the review workspace in the browser (Vietnamese)")
    _db(p)
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only, no login while no account exists)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--inbox", default=setting("inbox"), help="uploads go here")
    p.add_argument("--quarantine", default=setting("quarantine"),
                   help="the ingest's quarantine folder (released files go back to the inbox)")
    p.add_argument("--processed", default=setting("processed"),
                   help="where ingested files were moved (to show their pages)")
    p.add_argument("--outputs", default="outputs", help="page image cache and the session key")
    p.add_argument("--max-upload-mb", type=int, default=50)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("user", help="accounts of the review workspace")
    _db(p)
    p.add_argument("action", choices=("add", "list", "disable"))
    p.add_argument("name", nargs="?")
    p.add_argument("--role", action="append", help="văn thư | chuyên viên | quản trị (repeatable)")
    p.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    p.set_defaults(func=cmd_user)
