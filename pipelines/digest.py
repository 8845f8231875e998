"""The daily digest per unit: its new tasks, those due soon (`sắp đến hạn`) and those overdue, written as
HTML and JSON, and e-mailed to each unit (its `email` in the directory) and/or to the office
($CONGVAN_DIGEST_TO) when an SMTP server is configured.

SMTP settings come from the environment (never from prefect.yaml): CONGVAN_SMTP_HOST, CONGVAN_SMTP_PORT
(25), CONGVAN_SMTP_USER / CONGVAN_SMTP_PASSWORD (optional), CONGVAN_SMTP_STARTTLS=1, CONGVAN_SMTP_FROM.

`daily_digest` is the Prefect flow the `daily-digest` deployment of prefect.yaml runs every working
morning (Asia/Ho_Chi_Minh); `congvan digest` runs the same without Prefect.
"""
from __future__ import annotations

import html
import json
import logging
import smtplib
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from prefect import flow

from models.settings import settings
from pipelines.messages import _
from pipelines.store.tracking import QUA_HAN, ROLE_NAMES, SAP_DEN_HAN

log = logging.getLogger("congvan.digest")

SECTIONS = (("new", "New tasks"), ("due_soon", "Due soon"), ("overdue", "Overdue"))   # titles: pipelines.messages
NO_UNIT = "(chưa xác định đơn vị)"


def previous_working_day(day: date) -> date:
    """The working day before `day` (Monday → Friday; holidays skipped): `new` covers everything since."""
    from extractors.deadlines import is_working_day
    d = day - timedelta(days=1)
    while not is_working_day(d) and (day - d).days < 15:
        d -= timedelta(days=1)
    return d


def build_digest(store, today: date | None = None, soon_days: int | None = None,
                 since: datetime | None = None) -> dict:
    """{"date", "units": {unit name: {"email", "new": [...], "due_soon": [...], "overdue": [...]}}}: one entry
    per body of each open task (a task of three bodies appears in each body's digest). `new`: tasks stored
    since `since` (default: as long ago as the previous working day, so Monday's digest covers the weekend)."""
    today = today or date.today()
    since = since or (datetime.now(UTC) - timedelta(days=(today - previous_working_day(today)).days))
    directory = store.units()
    emails = {u["name"]: u.get("email") for u in directory}
    members = {u["name"]: [m for m in u["members"] if m] for u in directory if u["kind"] == "collective"}
    units: dict[str, dict] = {}
    for t in store.tasks(status="open", today=today, soon_days=soon_days):
        created = t.get("created_at")
        if created is not None and created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        is_new = created is not None and created >= since
        for b in t["bodies"] or [{"unit": None, "name": t["assignee"] or NO_UNIT, "role": "assignee",
                                  "status": "open", "state": t["state"]}]:
            if b["status"] != "open":
                continue
            name = b["unit"] or b["name"]
            role = ROLE_NAMES.get(b["role"], b["role"])
            # a collective the office listed members of: each member is told too (unless followed one by one)
            expanded = any(c["parent_id"] == b.get("id") for c in t["bodies"])
            told = [] if expanded or b["role"] == "member" else members.get(name, [])
            for who, as_role in [(name, role)] + [(m, f"{role} ({name})") for m in told]:
                entry = units.setdefault(who, {"email": emails.get(who), "new": [], "due_soon": [], "overdue": []})
                item = {"task": t["id"], "document": t["symbol"] or t["doc_id"], "role": as_role,
                        "action": t["action"], "due": t["due_date"].isoformat() if t["due_date"] else None,
                        "state": b["state"]}
                if is_new:
                    entry["new"].append(item)
                if b["state"] == SAP_DEN_HAN:
                    entry["due_soon"].append(item)
                elif b["state"] == QUA_HAN:
                    entry["overdue"].append(item)
    units = {k: v for k, v in sorted(units.items()) if any(v[s] for s, _ in SECTIONS)}
    return {"date": today.isoformat(), "units": units}


def unit_html(name: str, entry: dict, day: str) -> str:
    """One unit's digest as an HTML fragment (every value escaped)."""
    e = html.escape
    parts = [f"<h2>{e(name)}</h2>"]
    for key, title in SECTIONS:
        items = entry[key]
        if not items:
            continue
        parts.append(f"<h3>{e(_(title))} ({len(items)})</h3><table><tr><th>Nhiệm vụ</th><th>Văn bản</th>"
                     "<th>Vai trò</th><th>Hạn</th><th>Nội dung</th></tr>")
        for i in items:
            due = datetime.strptime(i["due"], "%Y-%m-%d").strftime("%d/%m/%Y") if i["due"] else ""
            parts.append(f"<tr><td>{i['task']}</td><td>{e(i['document'] or '')}</td><td>{e(i['role'])}</td>"
                         f"<td>{due}</td><td>{e(i['action'] or '')}</td></tr>")
        parts.append("</table>")
    return "\n".join(parts)


def page_html(digest: dict, units: list[str] | None = None) -> str:
    day = datetime.strptime(digest["date"], "%Y-%m-%d").strftime("%d/%m/%Y")
    names = units if units is not None else list(digest["units"])
    body = "\n".join(unit_html(n, digest["units"][n], day) for n in names) or f"<p>{_('No task to report.')}</p>"
    title = html.escape(_("Tasks of {day}").format(day=day))
    return (f"<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{title}"
            "</title><style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #999;"
            f"padding:3px 6px;vertical-align:top}}</style></head><body><h1>{title}</h1>\n"
            f"{body}\n</body></html>\n")


def smtp_settings() -> dict | None:
    s = settings()
    if not s.smtp_host:
        return None
    return {"host": s.smtp_host, "port": s.smtp_port, "user": s.smtp_user or None,
            "password": s.smtp_password or None, "starttls": s.smtp_starttls, "sender": s.smtp_from,
            "office": [a.strip() for a in s.digest_to.split(",") if a.strip()]}


def send_digest(digest: dict, settings: dict) -> int:
    """One message per unit with an e-mail address, one with every unit to the office; → messages sent."""
    day = datetime.strptime(digest["date"], "%Y-%m-%d").strftime("%d/%m/%Y")
    messages = []
    for name, entry in digest["units"].items():
        if entry.get("email"):
            messages.append(([entry["email"]], "[congvan] " + _("Tasks of {unit} on {day}").format(unit=name, day=day),
                             page_html(digest, [name])))
    if settings["office"] and digest["units"]:
        messages.append((settings["office"], "[congvan] " + _("Tasks of {day}").format(day=day), page_html(digest)))
    if not messages:
        return 0
    with smtplib.SMTP(settings["host"], settings["port"], timeout=30) as smtp:
        if settings["starttls"]:
            smtp.starttls()
        if settings["user"]:
            smtp.login(settings["user"], settings["password"] or "")
        for to, subject, page in messages:
            msg = EmailMessage()
            msg["From"], msg["To"], msg["Subject"] = settings["sender"], ", ".join(to), subject
            msg.set_content("Tổng hợp nhiệm vụ: xem bản HTML.")
            msg.add_alternative(page, subtype="html")
            smtp.send_message(msg)
    log.info("digest of %s: %d messages sent", digest["date"], len(messages))
    return len(messages)


def write_digests(db_url: str | None, outputs_dir: str | Path = "outputs/digest", today: date | None = None,
                  soon_days: int | None = None, send: bool = False) -> dict:
    """Build the digest from the store, write digest-<date>.json/.html, send it when asked and configured."""
    from pipelines.store import Store

    with Store(db_url) as store:
        digest = build_digest(store, today=today, soon_days=soon_days)
    folder = Path(outputs_dir)
    folder.mkdir(parents=True, exist_ok=True)
    json_path, html_path = folder / f"digest-{digest['date']}.json", folder / f"digest-{digest['date']}.html"
    json_path.write_text(json.dumps(digest, ensure_ascii=False, indent=2), encoding="utf-8")
    html_path.write_text(page_html(digest), encoding="utf-8")
    sent = None
    if send:
        settings = smtp_settings()
        sent = send_digest(digest, settings) if settings else None
        if settings is None:
            log.warning("digest not sent: CONGVAN_SMTP_HOST is not set")
    log.info("digest of %s: %d units", digest["date"], len(digest["units"]))
    return {"units": len(digest["units"]), "json": str(json_path), "html": str(html_path), "sent": sent}


@flow(name="daily-digest", log_prints=False)
def daily_digest(db_url: str | None = None, db_secret_block: str | None = "congvan-db-url",
                 outputs_dir: str = "outputs/digest", soon_days: int | None = None, send: bool = True) -> dict:
    """Every working morning: the digest per unit as HTML and JSON, e-mailed when SMTP is configured."""
    from pipelines.flows import resolve_db_url
    return write_digests(resolve_db_url(db_url, db_secret_block), outputs_dir, soon_days=soon_days, send=send)
