"""Schema migrations, applied in order and counted with ``PRAGMA user_version``."""

from __future__ import annotations

# Wei amounts are TEXT: they can exceed SQLite's 64-bit integers. Chain IDs are INTEGER: the
# largest OGPU one (testnet, 200820172034) is far inside int64.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE tasks (
        chain_id INTEGER NOT NULL,
        address TEXT NOT NULL,
        source TEXT NOT NULL,
        sender TEXT NOT NULL,
        config_url TEXT NOT NULL,
        config_json TEXT NOT NULL,
        payment_wei TEXT NOT NULL,
        expiry_time INTEGER NOT NULL,
        delivery_method INTEGER,
        pipeline TEXT,
        status INTEGER NOT NULL DEFAULT 0,
        attempt_count INTEGER NOT NULL DEFAULT 0,
        tx_hash TEXT NOT NULL,
        block_number INTEGER,
        published_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (chain_id, address)
    );
    CREATE INDEX tasks_by_status ON tasks (chain_id, status);
    CREATE TABLE responses (
        chain_id INTEGER NOT NULL,
        address TEXT NOT NULL,
        task TEXT NOT NULL,
        provider TEXT,
        data TEXT,
        status INTEGER NOT NULL DEFAULT 0,
        payment_wei TEXT,
        block_number INTEGER,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (chain_id, address)
    );
    CREATE INDEX responses_by_task ON responses (chain_id, task);
    CREATE TABLE results (
        chain_id INTEGER NOT NULL,
        response TEXT NOT NULL,
        raw TEXT NOT NULL,
        content_type TEXT NOT NULL,
        fetched_from TEXT,
        fetched_at INTEGER NOT NULL,
        PRIMARY KEY (chain_id, response)
    );
    CREATE TABLE tx_journal (
        tx_hash TEXT PRIMARY KEY,
        chain_id INTEGER NOT NULL,
        sender TEXT NOT NULL,
        nonce INTEGER NOT NULL,
        raw BLOB NOT NULL,
        kind TEXT NOT NULL,
        meta TEXT NOT NULL DEFAULT '{}',
        state TEXT NOT NULL,
        note TEXT,
        block_number INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE INDEX tx_journal_open ON tx_journal (chain_id, state);
    CREATE TABLE tracker_cursor (
        chain_id INTEGER NOT NULL,
        nexus TEXT NOT NULL,
        block_number INTEGER NOT NULL,
        PRIMARY KEY (chain_id, nexus)
    );
    CREATE TABLE address_book (
        chain_id INTEGER NOT NULL,
        address TEXT NOT NULL,
        label TEXT NOT NULL DEFAULT '',
        added_at INTEGER NOT NULL,
        PRIMARY KEY (chain_id, address)
    );
    CREATE TABLE source_cache (
        chain_id INTEGER NOT NULL,
        address TEXT NOT NULL,
        info TEXT NOT NULL,
        fetched_at INTEGER NOT NULL,
        PRIMARY KEY (chain_id, address)
    );
    """,
    # 2: attempts as (task, provider) pairs, so re-reading blocks never counts one twice.
    """
    CREATE TABLE attempts (
        chain_id INTEGER NOT NULL,
        task TEXT NOT NULL,
        provider TEXT NOT NULL,
        block_number INTEGER NOT NULL,
        PRIMARY KEY (chain_id, task, provider)
    );
    """,
    # 3: the identity of the chain behind a chain ID (a Sandbox is a new chain every run), and
    # the runs whose history was set aside under a negative key when the chain was replaced.
    """
    CREATE TABLE chain_identity (
        chain_id INTEGER PRIMARY KEY,
        genesis_hash TEXT NOT NULL,
        run_id TEXT NOT NULL,
        recorded_at INTEGER NOT NULL
    );
    CREATE TABLE previous_runs (
        archive_key INTEGER PRIMARY KEY,
        chain_id INTEGER NOT NULL,
        genesis_hash TEXT,
        run_id TEXT,
        task_count INTEGER NOT NULL,
        archived_at INTEGER NOT NULL
    );
    """,
    # 4: how far the tracker has read each task. ``events_read`` turns 1 once a completed poll
    # read the task's events from its publish block on (a task recorded while a poll was in
    # flight is read again from there); ``final_seen_block`` is the block at which a direct
    # status read saw the task final, and the task stays followed until the cursor passes it (so
    # the events that led there, its responses among them, are read). Tasks recorded before
    # this version had the cursor rewound to their publish block: they count as read.
    """
    ALTER TABLE tasks ADD COLUMN events_read INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE tasks ADD COLUMN final_seen_block INTEGER;
    UPDATE tasks SET events_read=1;
    """,
)
