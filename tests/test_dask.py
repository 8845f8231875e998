"""Scale-out: the same flow on a Dask LocalCluster (2 workers) gives the default runner's records."""
from __future__ import annotations

import pytest
from flowkit import make_inbox, prefect_test_server, read_jsonl

pytest.importorskip("prefect_dask")


@pytest.fixture(scope="module")
def prefect_api():
    return prefect_test_server()


def _comparable(record: dict) -> dict:
    record = dict(record)
    record.pop("_seconds", None)
    return record


@pytest.mark.slow
def test_dask_local_cluster_gives_identical_records(prefect_api, tmp_path):
    from pipelines.flows import dask_task_runner, ingest
    from pipelines.store import Store

    folder = tmp_path / "docs"
    make_inbox(folder, n_docx=4, n_txt=2)
    default = ingest([str(folder)], db_url=f"sqlite:///{tmp_path / 'a.sqlite'}", jsonl=str(tmp_path / "a.jsonl"),
                     summary_path=None, batch_size=2)
    on_dask = ingest.with_options(task_runner=dask_task_runner(n_workers=2))(
        [str(folder)], db_url=f"sqlite:///{tmp_path / 'b.sqlite'}", jsonl=str(tmp_path / "b.jsonl"),
        summary_path=None, batch_size=2, task_workers=1)
    assert default["counts"] == on_dask["counts"]
    a = sorted((_comparable(r) for r in read_jsonl(tmp_path / "a.jsonl")), key=lambda r: r["id"])
    b = sorted((_comparable(r) for r in read_jsonl(tmp_path / "b.jsonl")), key=lambda r: r["id"])
    assert len(a) == 7 and a == b
    assert Store(f"sqlite:///{tmp_path / 'b.sqlite'}").count("documents") == 6
