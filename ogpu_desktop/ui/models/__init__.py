"""Qt item models that adapt service data for views."""
