"""A whole OGPU network on this computer: EVM node, contracts, pinning and a provider."""
