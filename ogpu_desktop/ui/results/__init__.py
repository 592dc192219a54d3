"""Viewers of task results: one widget class per result view kind, all showing plain text."""
