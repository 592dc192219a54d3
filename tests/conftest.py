"""Shared pytest configuration for every test tier."""

from hypothesis import settings

# Hypothesis's per-example deadline is a timing assertion, and the suite asserts no timing: on
# a loaded two-core machine a 200 ms deadline failed a property that held. Speed is measured
# by the scripts under tests/bench instead.
settings.register_profile("ogpu", deadline=None)
settings.load_profile("ogpu")
