"""The Wallet page and its dialogs (accounts, backups, balances, deposit and withdraw)."""
