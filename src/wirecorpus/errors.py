"""Typed exceptions. Each message names the file, the place and the problem."""

from __future__ import annotations


class WirecorpusError(Exception):
    """Base of every error wirecorpus raises for bad input or a refused action."""


class SchemaError(WirecorpusError):
    """The schema file under annotations/ is missing or malformed."""


class RepositoryError(WirecorpusError):
    """The folder is not a wirecorpus repository, or a path lies outside it."""


class WriteError(WirecorpusError):
    """A file could not be written or compared: its folder is a file, a folder is where the file goes,
    or the system refused (read-only, disk full)."""


class IngestError(WirecorpusError):
    """A raw article file was refused."""


class ValidationFailed(WirecorpusError):
    """The validator found errors, so the requested step was not done."""


class BuildError(WirecorpusError):
    """A release could not be built."""


class LoadError(WirecorpusError):
    """A release could not be found or loaded."""


class ExternalFileError(WirecorpusError):
    """A file made by another project (e.g. a MEANTIME document) could not be read."""


class EvaluationError(WirecorpusError):
    """Two annotation sets could not be scored against each other."""


class AnnotateError(WirecorpusError):
    """Model annotation was refused: unknown articles or unusable options."""


class ModelNotInstalled(WirecorpusError):
    """No spaCy pipeline of the requested name is installed."""


class FormatError(WirecorpusError):
    """A file is not a readable export of the annotation tool it was given as."""


class ImportRefused(WirecorpusError):
    """An import was refused: something could not be converted, or would overwrite a file."""


class ExportError(WirecorpusError):
    """Annotation sets could not be exported."""


class AgreementError(WirecorpusError):
    """Annotator agreement could not be computed: too few sets, or no article two of them share."""


class MapError(WirecorpusError):
    """A MAP.json (how a tool's labels become layers) is not usable."""


class ReviewError(WirecorpusError):
    """A review page could not be made: an unknown article or set, or an unusable output path."""


class AdjudicationError(WirecorpusError):
    """Annotation sets could not be merged into a new set: unknown sets or article, a source that
    does not validate, or a target that is there already."""


class PublishError(WirecorpusError):
    """A release was not published: it does not match its manifest, its tag exists, or the Hub refused it."""


class ReleaseError(WirecorpusError):
    """A release was refused: the version bump does not fit the changes, or a file it keeps in step is missing."""
