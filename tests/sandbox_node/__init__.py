"""Tests of the Sandbox process: node, pinning, faucet, provider and engines."""
