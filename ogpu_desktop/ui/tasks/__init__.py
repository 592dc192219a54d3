"""The Tasks page: the live task list, task details, and the bridge from the tracker to the list."""
