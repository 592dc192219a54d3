"""SQLite history: tasks, responses, results, tracker cursor, transaction journal."""
