"""wirecorpus publish: the plan, the refusals, and the requests made to the Hub.

The Hub cannot be reached from the tests, so it is simulated at the HTTP level:
a small server on 127.0.0.1 answers the endpoints huggingface_hub calls to
publish (repository creation, refs, tree, README validation, preupload, commit,
tag) for one dataset repository, and records every request. The code under test
runs unchanged, huggingface_hub included, against ``HfApi(endpoint=<server>)``;
what is checked is what reaches the wire. The server answers "regular" to
preupload, so file contents travel inside the commit request (the real Hub takes
Parquet files through LFS/Xet first), where the test can read them back.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import huggingface_hub
import pytest

from wirecorpus.build import build
from wirecorpus.cli import main
from wirecorpus.errors import PublishError
from wirecorpus.release.publish import plan_publish, publish

REPO_ID = "wirelab/wirecorpus"
TOKEN = "hf_test_token"
HEAD = "a" * 40


@dataclass
class Request:
    method: str
    path: str
    authorization: str | None
    body: bytes

    def json(self):
        return json.loads(self.body)

    def ndjson(self) -> list[dict]:
        return [json.loads(line) for line in self.body.splitlines() if line.strip()]


@dataclass
class FakeHub:
    """One dataset repository as the Hub's HTTP API shows it, and the requests it received."""

    exists: bool = True
    head: str | None = HEAD
    files: dict[str, bytes] = field(default_factory=lambda: {".gitattributes": b"*.parquet filter=lfs\n"})
    tags: dict[str, str] = field(default_factory=dict)
    pushed_meanwhile: bool = False  # someone else commits between the refs and our commit
    tag_fails: bool = False
    requests: list[Request] = field(default_factory=list)
    commits: int = 0
    endpoint: str = ""  # where it is served

    @property
    def url(self) -> str:
        return f"{self.endpoint}/datasets/{REPO_ID}"

    def answer(self, request: Request) -> tuple[int, object]:
        self.requests.append(request)
        repo = re.escape(REPO_ID)
        routes = [
            ("POST", r"/api/repos/create", self.create),
            ("GET", rf"/api/datasets/{repo}/refs", self.refs),
            ("GET", rf"/api/datasets/{repo}/tree/(?P<revision>[^/]+)", self.tree),
            ("POST", r"/api/validate-yaml", lambda r: (200, {"errors": [], "warnings": []})),
            ("POST", rf"/api/datasets/{repo}/preupload/main", self.preupload),
            ("POST", rf"/api/datasets/{repo}/commit/main", self.commit),
            ("POST", rf"/api/datasets/{repo}/tag/(?P<revision>[^/]+)", self.tag),
        ]
        for method, pattern, handler in routes:
            match = re.fullmatch(pattern, request.path)
            if method == request.method and match:
                if not self.exists and handler != self.create:
                    return 404, {"error": "Repository not found"}
                return handler(request, **match.groupdict())
        return 404, {"error": f"no route {request.method} {request.path}"}

    def create(self, request: Request):
        if self.exists:
            return 409, {"error": "You already created this dataset repo", "url": self.url}
        self.exists, self.head = True, "b" * 40  # the Hub's first commit adds .gitattributes
        return 200, {"url": self.url}

    def refs(self, request: Request):
        branches = [{"name": "main", "ref": "refs/heads/main", "targetCommit": self.head}] if self.head else []
        tags = [{"name": name, "ref": f"refs/tags/{name}", "targetCommit": oid} for name, oid in self.tags.items()]
        if self.pushed_meanwhile:
            self.head = "c" * 40
        return 200, {"branches": branches, "converts": [], "tags": tags}

    def tree(self, request: Request, revision: str):
        return 200, [{"type": "file", "path": path, "size": len(data), "oid": "0" * 40} for path, data in sorted(self.files.items())]

    def preupload(self, request: Request):
        return 200, {"files": [{"path": f["path"], "uploadMode": "regular", "shouldIgnore": False} for f in request.json()["files"]]}

    def commit(self, request: Request):
        header, *operations = request.ndjson()
        if header["value"].get("parentCommit") != self.head:
            return 412, {"error": "A commit has happened since. Please refresh and try again."}
        for operation in operations:
            if operation["key"] == "file":
                self.files[operation["value"]["path"]] = base64.b64decode(operation["value"]["content"])
            elif operation["key"] == "deletedFile":
                del self.files[operation["value"]["path"]]
        self.commits += 1
        self.head = hashlib.sha1(request.body).hexdigest()
        return 200, {"commitUrl": f"{self.url}/commit/{self.head}", "commitOid": self.head}

    def tag(self, request: Request, revision: str):
        if self.tag_fails:
            return 500, {"error": "Internal Error"}
        name = request.json()["tag"]
        if name in self.tags:
            return 409, {"error": "Tag already exists"}
        self.tags[name] = unquote(revision)
        return 200, {}

    def calls(self) -> list[str]:
        return [f"{r.method} {r.path}" for r in self.requests]


@pytest.fixture
def hub():
    """A FakeHub served on 127.0.0.1; yields (hub, endpoint)."""
    fake = FakeHub()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            url = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, payload = fake.answer(Request(self.command, unquote(url.path), self.headers.get("Authorization"), body))
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _serve

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    yield fake, fake.endpoint
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def release(release_repo: Path) -> Path:
    return build(root=release_repo)


def release_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_publish_plan_lists_every_file(release: Path) -> None:
    plan = plan_publish(release, REPO_ID)
    files = release_files(release)
    assert {f.path: f.size for f in plan.files} == {path: len(data) for path, data in files.items()}
    manifest = json.loads(files["MANIFEST.json"])
    assert plan.tag == f"v{manifest['version']}" and plan.commit_message == f"wirecorpus {manifest['version']}"
    text = plan.describe()
    for path, data in files.items():
        assert re.search(rf"\n +{len(data):,}  {re.escape(path)}\n", text), path
    assert f'"{plan.commit_message}"' in text and f"then tag {plan.tag} on that commit" in text


def break_size(folder: Path) -> str:
    (folder / "README.md").write_text("shorter", encoding="utf-8")
    return "README.md has 7 bytes, the manifest says"


def break_bytes(folder: Path) -> str:
    shard = next((folder / "data" / "hand").glob("*.parquet"))
    data = bytearray(shard.read_bytes())
    data[100] ^= 0xFF
    shard.write_bytes(bytes(data))
    return f"{shard.relative_to(folder).as_posix()} has other bytes than the manifest's SHA-256"


def add_stray(folder: Path) -> str:
    (folder / "data" / "notes.txt").write_text("x", encoding="utf-8")
    return "data/notes.txt is not in the manifest"


def remove_shard(folder: Path) -> str:
    shard = next((folder / "data" / "articles").glob("*.parquet"))
    shard.unlink()
    return f"{shard.relative_to(folder).as_posix()} is missing"


def remove_manifest(folder: Path) -> str:
    (folder / "MANIFEST.json").unlink()
    return "not a release (no MANIFEST.json); build one with `wirecorpus build`"


def remove_card(folder: Path) -> str:
    (folder / "README.md").unlink()
    return "not a release (no README.md)"


def garble_manifest(folder: Path) -> str:
    (folder / "MANIFEST.json").write_text('{"version": "0.1.0"}', encoding="utf-8")
    return "MANIFEST.json: not a release manifest (KeyError: 'files')"


@pytest.mark.parametrize("damage", [break_size, break_bytes, add_stray, remove_shard, remove_manifest, remove_card, garble_manifest])
def test_publish_refuses_folder_unlike_its_manifest(release: Path, damage) -> None:
    expected = damage(release)
    with pytest.raises(PublishError) as caught:
        plan_publish(release, REPO_ID)
    assert expected in str(caught.value) and str(release) in str(caught.value)


def test_publish_one_commit_on_the_head_then_tag(release: Path, hub) -> None:
    fake, endpoint = hub
    stale = "data/hand/train-00000-of-00002.parquet"  # a shard of an older release
    fake.files[stale] = b"old"
    plan = plan_publish(release, REPO_ID)
    published = publish(plan, token=TOKEN, endpoint=endpoint)
    assert fake.calls() == [
        "POST /api/repos/create",
        f"GET /api/datasets/{REPO_ID}/refs",
        f"GET /api/datasets/{REPO_ID}/tree/{HEAD}",
        "POST /api/validate-yaml",
        f"POST /api/datasets/{REPO_ID}/preupload/main",
        f"POST /api/datasets/{REPO_ID}/commit/main",
        f"POST /api/datasets/{REPO_ID}/tag/{published.commit}",
    ]
    assert {r.authorization for r in fake.requests} == {f"Bearer {TOKEN}"}
    header, *operations = fake.requests[5].ndjson()
    assert header["value"]["parentCommit"] == HEAD and header["value"]["summary"] == plan.commit_message
    sent = {op["value"]["path"]: base64.b64decode(op["value"]["content"]) for op in operations if op["key"] == "file"}
    assert sent == release_files(release)
    assert [op["value"]["path"] for op in operations if op["key"] == "deletedFile"] == [stale] == list(published.deleted)
    assert fake.requests[6].json() == {"tag": plan.tag}
    assert fake.tags == {plan.tag: published.commit} and published.commit == fake.head
    assert set(fake.files) == {".gitattributes", *release_files(release)}


def test_publish_creates_a_missing_repository(release: Path, hub) -> None:
    fake, endpoint = hub
    fake.exists, fake.head, fake.files = False, None, {}
    published = publish(plan_publish(release, REPO_ID), token=TOKEN, endpoint=endpoint)
    assert fake.requests[0].json()["type"] == "dataset" and fake.commits == 1
    assert fake.requests[5].ndjson()[0]["value"]["parentCommit"] == "b" * 40 and published.tag in fake.tags


def test_publish_refuses_an_existing_tag_before_committing(release: Path, hub) -> None:
    fake, endpoint = hub
    plan = plan_publish(release, REPO_ID)
    fake.tags[plan.tag] = "d" * 40
    with pytest.raises(PublishError) as caught:
        publish(plan, token=TOKEN, endpoint=endpoint)
    assert f"{REPO_ID}: tag {plan.tag} exists already, and a published release is never replaced" in str(caught.value)
    assert fake.calls() == ["POST /api/repos/create", f"GET /api/datasets/{REPO_ID}/refs"] and fake.commits == 0


def test_publish_fails_when_someone_pushed_meanwhile(release: Path, hub) -> None:
    fake, endpoint = hub
    fake.pushed_meanwhile = True
    with pytest.raises(PublishError) as caught:
        publish(plan_publish(release, REPO_ID), token=TOKEN, endpoint=endpoint)
    assert str(caught.value) == (
        f"{REPO_ID}: main moved while publishing (someone else pushed); run `wirecorpus publish` again; nothing was committed"
    )
    assert fake.commits == 0 and not fake.tags and not any("/tag/" in call for call in fake.calls())


def test_publish_says_how_to_tag_a_commit_left_untagged(release: Path, hub) -> None:
    fake, endpoint = hub
    fake.tag_fails = True
    plan = plan_publish(release, REPO_ID)
    with pytest.raises(PublishError) as caught:
        publish(plan, token=TOKEN, endpoint=endpoint)
    assert fake.commits == 1 and str(caught.value).endswith(
        f"; commit {fake.head} was made but not tagged; tag it with "
        f"`hf repos tag create {REPO_ID} {plan.tag} --revision {fake.head} --repo-type dataset`"
    )


def test_publish_cli_dry_run_without_token(release: Path, hub, monkeypatch, capsys) -> None:
    """No token in the variable: the plan is printed and nothing is sent; --dry-run does the same with one."""
    fake, endpoint = hub
    monkeypatch.setattr(huggingface_hub.constants, "ENDPOINT", endpoint)
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("MY_TOKEN", TOKEN)
    assert main(["publish", str(release), "--repo-id", REPO_ID]) == 0
    out = capsys.readouterr().out
    assert out.startswith(plan_publish(release, REPO_ID).describe())
    assert out.endswith("dry run (no token in $HF_TOKEN): nothing was sent to the Hub\n")
    assert main(["publish", str(release), "--repo-id", REPO_ID, "--token-env", "MY_TOKEN", "--dry-run"]) == 0
    assert capsys.readouterr().out.endswith("dry run (--dry-run): nothing was sent to the Hub\n")
    assert fake.requests == []


def test_publish_cli_publishes_with_a_token(release: Path, hub, monkeypatch, capsys, tmp_path: Path) -> None:
    fake, endpoint = hub
    fake.files["old.txt"] = b"x"
    monkeypatch.setattr(huggingface_hub.constants, "ENDPOINT", endpoint)
    monkeypatch.setenv("MY_TOKEN", TOKEN)
    monkeypatch.chdir(tmp_path)  # no repository around: a release folder stands alone
    copy = shutil.copytree(release, tmp_path / "release")
    assert main(["publish", str(copy), "--repo-id", REPO_ID, "--token-env", "MY_TOKEN"]) == 0
    out = capsys.readouterr().out
    assert "deleted old.txt (not in this release)\n" in out
    assert out.endswith(f"published {REPO_ID}: commit {fake.head} tagged v{json.loads((copy / 'MANIFEST.json').read_text())['version']} "
                        f"({fake.url}/commit/{fake.head})\n")
    assert {r.authorization for r in fake.requests} == {f"Bearer {TOKEN}"}


def test_publish_cli_rejects_a_bad_repo_id(release: Path, capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["publish", str(release), "--repo-id", "not-an-id"])
    assert caught.value.code == 2
    assert "argument --repo-id: 'not-an-id' is not a Hub repository id (ORG/NAME)" in capsys.readouterr().err


def test_publish_cli_refusal_is_one_line(release: Path, hub, monkeypatch, capsys) -> None:
    fake, endpoint = hub
    plan = plan_publish(release, REPO_ID)
    fake.tags[plan.tag] = HEAD
    monkeypatch.setattr(huggingface_hub.constants, "ENDPOINT", endpoint)
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    assert main(["publish", str(release), "--repo-id", REPO_ID]) == 1
    assert capsys.readouterr().err == f"wirecorpus: error: {REPO_ID}: tag {plan.tag} exists already, and a published release " \
        "is never replaced; bump the version in src/wirecorpus/_version.py and build again\n"
