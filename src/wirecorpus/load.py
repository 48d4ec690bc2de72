"""Load a release with ``datasets``: ``wirecorpus.load``.

A release is a plain dataset repository (Parquet shards and a card), so
``datasets.load_dataset("dist/wirecorpus-<version>", "hand", split="test")``
works as well; this entry point adds the default location, clear errors, and
empty splits: a split with no rows is not in a release (``datasets`` cannot
load one), and is given here as an empty dataset with the config's features:
those of the release's card, or, for a config with no rows at all, the
schema's (the ``ner`` tags then come from the repository around the release).
"""

from __future__ import annotations

import re
from pathlib import Path

from . import layout, schema
from .errors import LoadError, RepositoryError
from .splits import SPLITS

# owner/name as the Hub spells repository ids.
HUB_ID_PATTERN = re.compile(r"^[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*$")
CARD_NAME = "README.md"
PACKAGE_REPO = Path(__file__).resolve().parents[2]


def load(config: str = "hand", split: str | None = None, *, path: str | Path | None = None, revision: str | None = None):
    """A config of the dataset: a ``datasets.Dataset`` for one split, else a ``DatasetDict``.

    ``path`` is a release folder, or a Hub repository id (``owner/name``, with an
    optional ``revision``); by default the release built in the repository
    around the current folder, else around the installed package.
    """
    if config not in schema.CONFIGS:
        raise LoadError(f"no config {config!r}; the configs are {', '.join(schema.CONFIGS)}")
    if split is not None and split not in SPLITS:
        raise LoadError(f"no split {split!r}; the splits are {', '.join(SPLITS)}")
    if path is None:
        return _load_folder(default_release(), config, split, revision)
    # `owner/name` is a Hub id unless `owner` is a local folder (e.g. `dist/wirecorpus-0.1.0`, not built yet).
    if isinstance(path, str) and HUB_ID_PATTERN.match(path) and not Path(path.split("/")[0]).is_dir():
        return _load_hub(path, config, split, revision)
    return _load_folder(Path(path), config, split, revision)


def default_release() -> Path:
    """``dist/wirecorpus-<version>`` in the repository around the current folder, else the package's."""
    root = _repository(Path.cwd(), PACKAGE_REPO)
    if root is None:
        raise LoadError(
            f"no wirecorpus repository around {Path.cwd()} or {PACKAGE_REPO}, so no default release; "
            "pass path= (a release folder or a Hub repository id)"
        )
    from .build import release_path

    return release_path(root)


def _repository(*starts: Path) -> Path | None:
    """The first wirecorpus repository around one of ``starts``."""
    for start in starts:
        try:
            return layout.find_root(start)
        except RepositoryError:
            continue
    return None


def _load_folder(folder: Path, config: str, split: str | None, revision: str | None):
    import datasets

    if revision is not None:
        raise LoadError(f"{folder}: revision= applies to a Hub repository id, not to a local folder")
    if not (folder / CARD_NAME).is_file():
        raise LoadError(
            f"{folder}: no release here (no {CARD_NAME}); build it with `make dataset` or `wirecorpus build`"
        )
    present = [s for s in SPLITS if any((folder / "data" / config).glob(f"{s}-*.parquet"))]
    if split in present:
        return datasets.load_dataset(str(folder), config, split=split)
    if split is not None:
        return empty(config, _release_features(folder, config, present))
    loaded = datasets.load_dataset(str(folder), config) if present else {}
    features = loaded[present[0]].features if present else _release_features(folder, config, present)
    return datasets.DatasetDict({s: loaded[s] if s in present else empty(config, features) for s in SPLITS})


def _release_features(folder: Path, config: str, present: list[str]):
    """A config's features in a release: its card's if it has rows, else the schema's."""
    import datasets

    if present:
        return datasets.load_dataset_builder(str(folder), config).info.features
    if config != schema.NER_CONFIG:
        return schema.features(config)
    from . import ner

    root = _repository(folder, Path.cwd(), PACKAGE_REPO)
    if root is None:
        raise LoadError(f"{folder}: the ner config has no rows, and no wirecorpus repository around it names its tags")
    return schema.features(config, ner_tags=ner.read_tags(root))


def empty(config: str, features):
    """A dataset of no rows with ``features``, those of ``config``."""
    import datasets

    return datasets.Dataset.from_dict({name: [] for name, _ in schema.row_fields(config)}, features=features)


def _load_hub(repo_id: str, config: str, split: str | None, revision: str | None):
    import datasets

    try:
        return datasets.load_dataset(repo_id, config, split=split, revision=revision)
    except (OSError, ValueError, datasets.exceptions.DatasetNotFoundError) as exc:
        where = f"{repo_id}@{revision}" if revision else repo_id
        raise LoadError(f"{where}: could not load config {config!r} from the Hugging Face Hub: {exc}") from None
