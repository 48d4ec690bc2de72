"""INCEpTION (and WebAnno) exports: UIMA CAS XMI and WebAnno TSV 3.x.

``read(paths)`` takes .xmi files, .tsv files, folders, .zip files (an
INCEpTION document or project export) and type system .xml files.

**What is read.** In a folder or zip, every .xmi and .tsv file (hidden ones
left out), and the zips inside, which are unpacked into a temporary folder
that is removed when reading ends. A folder or zip holding an
``exportedproject*.json`` is a project export: only its ``annotation/`` and
``curation/`` folders are read (``source/`` holds the uploaded originals).

**Names.** A file at ``annotation/<document>/<user>.xmi`` (or ``.tsv``, or
``<user>.zip/...`` holding them; ``curation/`` alike) is document
``<document>`` annotated by ``<user>`` (``CURATION_USER`` for curation);
any other file is the document named by its file name without the
extension, with no annotator. ``where`` is the file's path, through the zip:
``export.zip/annotation/doc.txt/anna.xmi``.

**Type systems (XMI).** An .xmi file is read with the type system beside
it: ``<name>-typesystem.xml`` (DKPro Core's test exports), else
``TypeSystem.xml`` or ``typesystem.xml`` in its folder (INCEpTION's "UIMA CAS
XMI" export zips); else with the type system files given among the paths
(several are merged); else with UIMA's built-in types only, which refuses a
file that uses other types (FormatError).

**XMI content.** The text is the sofa string of the initial view.
dkpro-cassis already turns UIMA's UTF-16 offsets into code points while
loading (its issue #135, 2020), so they are used as they come, never turned
twice; an offset it cannot turn (inside a surrogate pair, or outside the
text) makes the file unreadable. Span ids are the xmi:ids. Layers (see
:mod:`.inception_layers`): NamedEntity (with its subtypes) and
``webanno.custom.*`` annotations are spans; a custom layer with ``Governor`` and ``Dependent`` features is a
relation, ``ToolLink(trigger=None, arguments=(("Governor", id), ("Dependent",
id)))`` with the relation's xmi:id; a span with slot features (arrays of link
structures with ``role`` and ``target``) is the trigger of a ToolLink with
its id and label and the filled slots as arguments, in their order (also
when no slot is filled: it is still an event). Chains (a head with
``first``, links with ``next``) are one Problem per chain; document-level
annotations, other annotation types, other views, features that point to
other structures or hold arrays, and relations or slots that reach something
that is not a span are Problems naming the type and the xmi:id.

**TSV content**: see :mod:`.inception_tsv`.
"""

from __future__ import annotations

import tempfile
import warnings
import zipfile
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cassis

from ..errors import FormatError
from .base import Problem, ToolDocument, ToolLink, ToolSpan, files_under
from .inception_layers import NAMED_ENTITY, is_known_layer, is_structure, label_and_attributes
from .inception_tsv import read_tsv

DOCUMENT_SUFFIXES = (".xmi", ".tsv")
USER_FOLDERS = ("annotation", "curation")
ANNOTATION_TYPE = "uima.tcas.Annotation"
ANNOTATION_BASE_TYPE = "uima.cas.AnnotationBase"
BUILT_IN_FEATURES = ("sofa", "begin", "end")
RELATION_FEATURES = ("Governor", "Dependent")


@dataclass(frozen=True)
class Source:
    """A document file to read: where it is on disk, what to call it, and its path parts for naming."""

    path: Path
    where: str
    parts: tuple[str, ...]


def read(paths: Sequence[Path]) -> list[ToolDocument]:
    """The INCEpTION documents in ``paths`` (see the module docstring); FormatError if there are none."""
    with ExitStack() as unpacked:
        sources, typesystem_paths = find_sources([Path(path) for path in paths], unpacked)
        if not sources:
            raise FormatError(f"no INCEpTION document (.xmi or .tsv) in {', '.join(map(str, paths))}")
        typesystems = TypeSystems(typesystem_paths)
        return [read_source(source, typesystems) for source in sources]


def find_sources(paths: list[Path], unpacked: ExitStack) -> tuple[list[Source], list[Path]]:
    """The document files among and under ``paths``, and the type system files named."""
    sources: list[Source] = []
    typesystems: list[Path] = []
    for path in paths:
        if not path.exists():
            raise FormatError(f"{path}: no such file or folder")
        if path.is_dir():
            sources += sources_in_folder(path, str(path), (path.absolute().name,), unpacked)
        elif path.suffix == ".zip":
            sources += sources_in_zip(path, str(path), (path.name,), unpacked)
        elif path.suffix in DOCUMENT_SUFFIXES:
            sources.append(Source(path, str(path), path.absolute().parts[-3:]))
        elif path.suffix == ".xml":
            typesystems.append(path)
        else:
            raise FormatError(f"{path}: not an INCEpTION export (.xmi, .tsv, .zip, a type system .xml or a folder)")
    return sources, typesystems


def sources_in_folder(folder: Path, where: str, parts: tuple[str, ...], unpacked: ExitStack) -> list[Source]:
    project_export = any(folder.glob("exportedproject*.json"))
    sources: list[Source] = []
    for path in files_under([folder], DOCUMENT_SUFFIXES + (".zip",)):
        relative = path.relative_to(folder).parts
        if project_export and relative[0] not in USER_FOLDERS:
            continue
        inner_where = "/".join((where, *relative))
        if path.suffix == ".zip":
            sources += sources_in_zip(path, inner_where, parts + relative, unpacked)
        else:
            sources.append(Source(path, inner_where, parts + relative))
    return sources


def sources_in_zip(path: Path, where: str, parts: tuple[str, ...], unpacked: ExitStack) -> list[Source]:
    folder = Path(unpacked.enter_context(tempfile.TemporaryDirectory(prefix="wirecorpus-inception-")))
    try:
        with zipfile.ZipFile(path) as archive:
            archive.extractall(folder)  # extractall keeps every member inside ``folder``
    except (zipfile.BadZipFile, OSError) as exc:
        raise FormatError(f"{where}: not a readable zip file: {exc}") from exc
    return sources_in_folder(folder, where, parts, unpacked)


def document_identity(parts: tuple[str, ...]) -> tuple[str, str | None]:
    """(document name, annotator) from a file's path parts, the folder or zip it was found in first."""
    for i in range(len(parts) - 3, -1, -1):
        if parts[i] in USER_FOLDERS:
            return parts[i + 1], Path(parts[i + 2]).stem
    return Path(parts[-1]).stem, None


def read_source(source: Source, typesystems: TypeSystems) -> ToolDocument:
    name, annotator = document_identity(source.parts)
    if source.path.suffix == ".tsv":
        return read_tsv(source.path.read_bytes(), source.where, name, annotator)
    cas = load_cas(source, *typesystems.for_xmi(source.path))
    return XmiReader(source.where, cas).document(name, annotator)


class TypeSystems:
    """The type systems for XMI files: beside each file, else those named among the paths."""

    def __init__(self, named: list[Path]) -> None:
        self.loaded: dict[Path, cassis.TypeSystem] = {}
        self.named = named
        self._merged: cassis.TypeSystem | None = None

    def load(self, path: Path) -> cassis.TypeSystem:
        if path not in self.loaded:
            try:
                with path.open("rb") as handle:
                    self.loaded[path] = cassis.load_typesystem(handle)
            except Exception as exc:  # cassis raises lxml, KeyError and ValueError alike for a bad file
                raise FormatError(f"{path}: not a readable UIMA type system: {exc}") from exc
        return self.loaded[path]

    def for_xmi(self, path: Path) -> tuple[cassis.TypeSystem | None, str]:
        """The type system to read ``path`` with (None: the built-in types), and where it comes from."""
        beside = (f"{path.stem}-typesystem.xml", "TypeSystem.xml", "typesystem.xml")
        found = next((path.with_name(name) for name in beside if path.with_name(name).is_file()), None)
        if found:
            return self.load(found), f"the type system beside it ({found.name})"
        if not self.named:
            return None, "UIMA's built-in types only (no TypeSystem.xml beside it, and no type system named)"
        if self._merged is None:
            try:
                self._merged = cassis.merge_typesystems(*(self.load(named) for named in self.named))
            except ValueError as exc:
                raise FormatError(f"{', '.join(map(str, self.named))}: the type systems do not merge: {exc}") from exc
        return self._merged, f"the type system named ({', '.join(path.name for path in self.named)})"


def load_cas(source: Source, typesystem: cassis.TypeSystem | None, described: str) -> cassis.Cas:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with source.path.open("rb") as handle:
                cas = cassis.load_cas_from_xmi(handle, typesystem=typesystem)
        except Exception as exc:  # cassis raises lxml, KeyError, ValueError and its own errors for a bad file
            raise FormatError(f"{source.where}: not a UIMA CAS XMI file readable with {described}: {exc}") from exc
    # cassis warns (and keeps the UTF-16 value) when an offset does not fall on a character boundary.
    unmapped = [str(w.message) for w in caught if "offset" in str(w.message)]
    if unmapped:
        raise FormatError(f"{source.where}: {unmapped[0]}: an offset splits a character or lies outside the text")
    if cas.sofa_string is None:
        raise FormatError(f"{source.where}: the CAS has no document text (sofa string)")
    return cas


def python_name(feature: Any) -> str:
    """The feature's name in the type system (cassis renames ``type`` and ``self`` to ``type_`` and ``self_``)."""
    return feature.name[:-1] if feature.name in ("type_", "self_") else feature.name


def is_chain_link(type_: Any) -> bool:
    return type_.name.endswith("Link") and bool(type_.get_feature("next"))


class XmiReader:
    """The annotations of one CAS sorted into spans, links and Problems."""

    def __init__(self, where: str, cas: cassis.Cas) -> None:
        self.where = where
        self.cas = cas
        self.doc = ToolDocument(name="", text=cas.sofa_string, where=where)
        self.spans: dict[str, ToolSpan] = {}  # by id

    def is_slot_feature(self, feature: Any) -> bool:
        """An array of link structures with ``role`` and ``target``: INCEpTION's slot (role) feature."""
        if feature.elementType is None:
            return False
        # Look the element type up by name: the feature's own copy may lack the features (cassis 0.12).
        element = self.cas.typesystem.get_type(feature.elementType.name)
        return bool(element.get_feature("role")) and bool(element.get_feature("target"))

    def problem(self, fs: Any, item: str, why: str) -> None:
        self.doc.problems.append(Problem(f"{self.where}#{fs.xmiID}", item, why))

    def document(self, name: str, annotator: str | None) -> ToolDocument:
        self.doc.name, self.doc.annotator = name, annotator
        relations, hosts = [], []
        for fs in self.cas.select(ANNOTATION_BASE_TYPE):
            type_name = fs.type.name
            if is_structure(type_name) or is_chain_link(fs.type):
                continue  # chain links are reported with their chain's head
            if fs.type.get_feature("first"):
                self.chain(fs)
            elif not self.cas.typesystem.is_instance_of(type_name, ANNOTATION_TYPE):
                self.problem(fs, type_name, "a document-level annotation (no text span) has no place in the schema")
            elif not (is_known_layer(type_name) or self.is_named_entity(fs)):
                self.problem(fs, f"{type_name} {fs.get_covered_text()!r}", "an annotation type with no place in the schema")
            elif all(fs.type.get_feature(name) for name in RELATION_FEATURES):
                relations.append(fs)
            else:
                self.span(fs)
                if any(map(self.is_slot_feature, fs.type.all_features)):
                    hosts.append(fs)
        for fs in relations:
            self.relation(fs)
        for fs in hosts:
            self.slots(fs)
        for view in self.cas.views:
            if view.sofa.sofaID != "_InitialView":
                self.problem(view.sofa, f"view {view.sofa.sofaID}", "only the initial view is read")
        return self.doc

    def values(self, fs: Any, skip: tuple[str, ...]) -> tuple[dict[str, str | None], list[str]]:
        """The primitive feature values of ``fs`` as text, and the names of its text features."""
        values: dict[str, str | None] = {}
        texts: list[str] = []
        for feature in fs.type.all_features:
            name = python_name(feature)
            value = getattr(fs, feature.name)
            if name in BUILT_IN_FEATURES + skip or self.is_slot_feature(feature):
                continue
            if isinstance(value, str):
                texts.append(name)
            elif isinstance(value, bool):
                value = "true" if value else "false"  # as UIMA writes booleans
            elif isinstance(value, (int, float)):
                value = str(value)
            elif value is not None:
                self.problem(fs, f"{fs.type.name} {name}", "a feature holding an array or another structure is not carried")
                continue
            values[name] = value
        return values, texts

    def is_named_entity(self, fs: Any) -> bool:
        """NamedEntity or a subtype (is_instance_of needs NamedEntity in the type system)."""
        ts = self.cas.typesystem
        return ts.contains_type(NAMED_ENTITY) and ts.is_instance_of(fs.type.name, NAMED_ENTITY)

    def span(self, fs: Any) -> None:
        values, texts = self.values(fs, ())
        label, attributes = label_and_attributes(fs.type.name, values, texts, named_entity=self.is_named_entity(fs))
        span = ToolSpan(str(fs.xmiID), label, ((fs.begin, fs.end),), f"{self.where}#{fs.xmiID}", attributes)
        self.doc.spans.append(span)
        self.spans[span.id] = span

    def span_id(self, fs: Any) -> str | None:
        """The id of ``fs`` if it is one of the document's spans."""
        ident = str(fs.xmiID) if fs is not None else None
        return ident if ident in self.spans else None

    def relation(self, fs: Any) -> None:
        values, texts = self.values(fs, RELATION_FEATURES)
        label, attributes = label_and_attributes(fs.type.name, values, texts, named_entity=False)
        ends = {role: getattr(fs, role) for role in RELATION_FEATURES}
        missing = [f"{role} {end.type.name if end else 'not set'}" for role, end in ends.items() if not self.span_id(end)]
        if missing:
            self.problem(fs, f"{fs.type.name} {label}", f"the relation reaches no span: {', '.join(missing)}")
            return
        arguments = tuple((role, str(end.xmiID)) for role, end in ends.items())
        where = f"{self.where}#{fs.xmiID}"
        self.doc.links.append(ToolLink(str(fs.xmiID), label, None, arguments, where, attributes))

    def slots(self, fs: Any) -> None:
        """The span with slot features is the trigger of a link; its filled slots are the arguments."""
        arguments = []
        for feature in filter(self.is_slot_feature, fs.type.all_features):
            array = getattr(fs, feature.name)
            for link in array.elements if array is not None else []:
                role, target = link.role, self.span_id(link.target)
                if role and target:
                    arguments.append((role, target))
                else:
                    item = f"{fs.type.name} {python_name(feature)}: {role} -> {link.target and link.target.type.name}"
                    self.problem(fs, item, "a slot without a role, or whose target is not a span")
        host = self.spans[str(fs.xmiID)]
        self.doc.links.append(ToolLink(host.id, host.label, host.id, tuple(arguments), host.where))

    def chain(self, head: Any) -> None:
        elements: set[int] = set()  # xmi:ids; cassis compares structures by type alone
        link = head.first
        while link is not None and link.xmiID not in elements:
            elements.add(link.xmiID)
            link = link.next
        why = f"a chain of {len(elements)} elements; chains have no place in the schema"
        self.problem(head, head.type.name, why)
