"""End-to-end tests: the real app parts together against a Sandbox process."""
