"""Batches in the window: many inputs dropped on the Compose page, one review, one batch page.

The logic lives in the batch services (``services/batch_*``); these widgets list, review,
publish and show batches through them.
"""
