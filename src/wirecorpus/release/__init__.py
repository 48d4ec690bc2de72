"""Releases: diff with the last release, version bump, changelog, record (``wirecorpus release``),
their Croissant description and their publication on the Hugging Face Hub.

:mod:`.cut` runs a release; :mod:`.record` keeps what each release held in
``releases/<version>.json``; :mod:`.diff` compares the repository with it;
:mod:`.versioning` and :mod:`.changelog` write the version and the entry;
:mod:`.croissant` describes a built release and :mod:`.publish` uploads it.
"""
