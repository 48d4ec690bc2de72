"""Comparing annotation sets: span alignment (:mod:`.align`), scores read off it
(:mod:`.scores`), their tables (:mod:`.render`) and the sets themselves (:mod:`.sets`).

``wirecorpus evaluate`` (:mod:`wirecorpus.evaluate`, a model set against a hand
set) and ``wirecorpus agree`` (:mod:`wirecorpus.agree`, hand sets against each
other) are built on these.
"""
