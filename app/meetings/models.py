"""Meetings models (filled in by its step)."""
