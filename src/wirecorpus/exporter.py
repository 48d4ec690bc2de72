"""Write annotation sets out for other tools: ``wirecorpus export``.

``brat`` (a collection with annotation.conf and the map.json that imports it back),
``spacy`` (a DocBin for ``spacy train``) and ``conll`` (IOB2 entities); the formats
themselves are in :mod:`wirecorpus.formats`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from . import corpus, layout, schema
from .compare import sets
from .errors import ExportError
from .formats import EXPORT_FORMATS, format_module



def export_annotations(format: str, *, root: Path, set_name: str, article_ids: Sequence[str] | None = None, out: Path) -> list[Path]:
    """Write an annotation set (``hand/NAME`` or ``model/NAME``), or some of its articles, into ``out``."""
    module = format_module(format, EXPORT_FORMATS, error=ExportError)
    root = Path(root).resolve()
    layout.refuse_data_folder(root, out, option="--out", error=ExportError)
    files = sets.set_files(root, set_name, error=ExportError)
    wanted = sorted(files) if not article_ids else list(dict.fromkeys(article_ids))
    missing = [a for a in wanted if a not in files]
    if missing:
        raise ExportError(f"{set_name} has no annotation file for {', '.join(missing)}")
    articles = {path.stem: path for path in layout.article_files(root)}
    pairs = []
    for article_id in wanted:
        if article_id not in articles:
            raise ExportError(f"{files[article_id]}: its article {article_id} is not in corpus/; run `wirecorpus validate`")
        article = corpus.read_record(root, articles[article_id], schema.Article, error=ExportError)
        annotation = corpus.read_record(root, Path(files[article_id]), schema.AnnotationFile, error=ExportError, article=article)
        pairs.append((article, annotation))
    return module.write(pairs, out=Path(out), inventory=schema.Inventory.load(root))
