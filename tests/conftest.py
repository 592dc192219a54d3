"""Shared pytest configuration for every test tier."""
