"""Service tests against real processes (the Sandbox), without Qt."""
