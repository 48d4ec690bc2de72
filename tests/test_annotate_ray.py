"""Annotate on the ray engine (a local Ray of 2 CPUs): the same bytes as the local engine, only stale articles sent.

The first test starts and stops its own Ray, as ``wirecorpus annotate --engine ray`` does;
the others share one, shut down after the module.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_annotate_engines import SET_NAME, four_articles, set_files  # noqa: F401  (four_articles: a fixture)

from wirecorpus import corpus, layout
from wirecorpus.annotate import annotate
from wirecorpus.executor import RayExecutor, start_local_ray

ray = pytest.importorskip("ray", reason="the ray extra is not installed (pip install -e '.[ray]')")
pytestmark = pytest.mark.ray


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    start_local_ray(2)
    yield
    ray.shutdown()


def _corpus_ids(root: Path) -> list[str]:
    return [article.id for article in corpus.iter_articles(root)]


def test_annotate_ray_starts_its_own_ray_quietly_and_stops_it(four_articles: Path, tiny_pipeline: Path, capfd, monkeypatch) -> None:
    if ray.is_initialized():
        ray.shutdown()
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "")  # so that the variable is removed again after the test,
    monkeypatch.delenv("RAY_USAGE_STATS_ENABLED")  # and is unset during it
    report = annotate(None, root=four_articles, model=str(tiny_pipeline), engine="ray", actors=2, batch_size=1)
    assert report.written == _corpus_ids(four_articles) and len(report.written) == 4
    assert not ray.is_initialized()
    assert os.environ["RAY_USAGE_STATS_ENABLED"] == "0"
    err = capfd.readouterr().err
    for noise in ("Token authentication", "Started a local Ray instance", "Starting execution", "Progress bars", "usage stats", "dashboard"):
        assert noise not in err, f"{noise!r} on stderr:\n{err}"


def test_annotate_ray_writes_the_bytes_of_the_local_engine(four_articles: Path, tiny_pipeline: Path, local_ray: None) -> None:
    local = annotate(None, root=four_articles, model=str(tiny_pipeline))
    by_local = set_files(four_articles)
    shutil.rmtree(four_articles / "annotations" / "model" / SET_NAME)
    on_ray = annotate(None, root=four_articles, model=str(tiny_pipeline), engine="ray", actors=2, batch_size=1)
    assert (on_ray.written, on_ray.updated, on_ray.unchanged) == (local.written, [], [])
    assert len(by_local) == 4 and set_files(four_articles) == by_local


@pytest.mark.model
def test_annotate_ray_writes_the_bytes_of_the_local_engine_with_the_default_pipeline(four_articles: Path, local_ray: None) -> None:
    shutil.rmtree(four_articles / "annotations" / "model")  # the repository's own model annotations
    local = annotate(None, root=four_articles)
    set_name = local.annotation_set.split("/", 1)[1]
    by_local = set_files(four_articles, set_name)
    assert any(json.loads(text)["quotes"] for text in by_local.values()), "no quote to compare"
    shutil.rmtree(four_articles / "annotations" / "model")
    on_ray = annotate(None, root=four_articles, engine="ray", actors=2, batch_size=2)
    assert on_ray.written == local.written and len(local.written) == 4
    assert set_files(four_articles, set_name) == by_local


def test_annotate_ray_sends_only_what_is_out_of_date(four_articles: Path, tiny_pipeline: Path, local_ray: None, monkeypatch) -> None:
    annotate(None, root=four_articles, model=str(tiny_pipeline))
    seed, removed, reformatted, kept = _corpus_ids(four_articles)
    layout.annotation_path(four_articles, kind="model", name=SET_NAME, article_id=removed).unlink()
    path = layout.annotation_path(four_articles, kind="model", name=SET_NAME, article_id=reformatted)
    path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8"))), encoding="utf-8")  # header not readable cheaply
    sent = []
    run = RayExecutor.run

    def spy(self, task, jobs, *, batch_size=1):
        jobs = list(jobs)
        sent.append([job.id for job in jobs])
        return run(self, task, jobs, batch_size=batch_size)

    monkeypatch.setattr(RayExecutor, "run", spy)
    report = annotate(None, root=four_articles, model=str(tiny_pipeline), engine="ray", actors=2)
    assert sent == [[removed, reformatted]]
    assert (report.written, report.updated, report.unchanged) == ([removed], [reformatted], [seed, kept])
    again = annotate(None, root=four_articles, model=str(tiny_pipeline), engine="ray", actors=2)
    assert sent[1:] == [[]] and again.unchanged == _corpus_ids(four_articles)
