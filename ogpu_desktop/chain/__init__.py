"""Networks, contract access, transactions, journal, tracker and IPFS. No Qt, no keys."""
