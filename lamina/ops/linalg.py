"""Placeholder module, filled by its owner."""

__all__ = []
