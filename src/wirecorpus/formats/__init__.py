"""Interchange formats: one module per annotation tool (see :mod:`.base` for the contract)."""
