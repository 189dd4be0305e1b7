"""Agreements models (filled in by its step)."""
