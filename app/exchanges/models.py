"""Exchanges models (filled in by its step)."""
