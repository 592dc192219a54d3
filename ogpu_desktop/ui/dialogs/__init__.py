"""Dialogs that are not tied to one page: first run, review and sign, publish progress."""
