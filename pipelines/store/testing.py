"""Fresh, throw-away databases for tests: a SQLite file, or a new PostgreSQL database on the
server named by CONGVAN_TEST_PG_URL (`scripts/pg.sh`), dropped afterwards."""
from __future__ import annotations

import atexit
import contextlib
import os
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_ENV = "CONGVAN_TEST_PG_URL"


def pg_available() -> bool:
    return bool(os.environ.get(PG_ENV))


_TEMPLATES: dict[str, str] = {}


def _pg_template(admin) -> str:
    """A PostgreSQL database already migrated to head, copied for each test (faster than migrating)."""
    base = make_url(os.environ[PG_ENV])
    if base.render_as_string() not in _TEMPLATES:
        from pipelines.store import Store

        name = f"congvan_tpl_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        Store(base.set(database=name).render_as_string(hide_password=False)).close()
        _TEMPLATES[base.render_as_string()] = name

        def drop() -> None:
            engine = create_engine(base, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            engine.dispose()
        atexit.register(drop)
    return _TEMPLATES[base.render_as_string()]


@contextlib.contextmanager
def fresh_database(kind: str, folder: Path, migrated: bool = False):
    """Yield the URL of an empty database of `kind` ("sqlite" or "postgresql"); with `migrated`,
    a PostgreSQL database may come already at the head revision (copied from a template)."""
    if kind == "sqlite":
        yield f"sqlite:///{Path(folder) / 'congvan.sqlite'}"
        return
    base = make_url(os.environ[PG_ENV])
    name = f"congvan_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        template = f' TEMPLATE "{_pg_template(admin)}"' if migrated else ""
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{template}'))
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def make_record(name: str, content: bytes | None = None, version: str | None = None, tasks: list[dict] | None = None,
                **fields):
    """A `DocumentRecord` built directly (no extraction), identified by the SHA-256 of `content`."""
    import hashlib

    from models.record import EXTRACTOR_VERSION, DocumentRecord, FileInfo, Task

    content = content if content is not None else name.encode()
    defaults: dict[str, Any] = {
        "doc_type": "Công văn", "number": "15", "symbol": "15/UBND-KT", "code": "UBND-KT",
        "date": "2024-03-05", "place": "Lạng Sơn", "issuer": "Ủy ban nhân dân tỉnh Lạng Sơn",
        "subject": "triển khai nhiệm vụ", "recipients": ["Sở Tài chính"],
        "distribution": ["Như trên", "Lưu: VT, KT"]}
    # a distinct số ký hiệu per name: records of different names are different documents, not copies
    defaults["symbol"] = f"15/UBND-KT-{name[:40]}" if name != "a" else "15/UBND-KT"
    defaults.update(fields)
    return DocumentRecord(
        id=name, extractor_version=version or EXTRACTOR_VERSION,
        file=FileInfo(path=f"/in/{name}.pdf", name=f"{name}.pdf", sha256=hashlib.sha256(content).hexdigest(),
                      size=len(content), format="pdf"),
        tasks=[Task(**t) for t in (tasks or [])], **defaults)
