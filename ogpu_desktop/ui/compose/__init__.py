"""Parts of the Compose page beyond the task forms: the source, payment and expiry."""
