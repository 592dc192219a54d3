"""Keychain-backed key store and the signer. The key lives inside one call only."""
