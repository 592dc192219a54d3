"""Async orchestration the UI calls: publish, track, results, cancel, confirm, vault."""
