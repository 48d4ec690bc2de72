"""Comparing annotation sets: span alignment (:mod:`.align`), scores read off it
(:mod:`.scores`), their tables (:mod:`.render`) and the sets themselves (:mod:`.sets`).

``wirecorpus evaluate`` (:mod:`wirecorpus.evaluate`, a model set against a hand
set) and ``wirecorpus agree`` (:mod:`wirecorpus.agree`, hand sets against each
other) are built on these, and so is ``wirecorpus adjudicate``, by one of the rules below.
"""

# What `wirecorpus adjudicate` keeps: what all sources have, or what more than half of them have.
UNANIMOUS, MAJORITY = "unanimous", "majority"
RULES = (UNANIMOUS, MAJORITY)
