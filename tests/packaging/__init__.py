"""Tests of the packaging files: bundle spec, icons, desktop integration, install scripts."""
