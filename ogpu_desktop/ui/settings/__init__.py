"""The Settings page: network, pinning, defaults for new tasks, theme and notifications."""
