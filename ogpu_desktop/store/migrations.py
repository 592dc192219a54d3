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
    # 5: history keyed by chain run. Every task, response, attempt, result, journal entry and
    # tracker cursor belongs to one run of a chain (``chain_runs``), so two runs of a Sandbox
    # can never share a row, even though a new run reuses the chain ID and the task addresses.
    # Run keys are negative (a chain ID is positive, so one argument can name either). The
    # runs set aside before keep their archive keys; the history still under a chain ID becomes
    # that chain's current run; the two tables this replaces are dropped.
    """
    CREATE TABLE chain_runs (
        run_key INTEGER PRIMARY KEY,
        chain_id INTEGER NOT NULL,
        genesis_hash TEXT,
        run_id TEXT,
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        task_count INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX chain_runs_current ON chain_runs (chain_id) WHERE ended_at IS NULL;
    INSERT INTO chain_runs (run_key, chain_id, genesis_hash, run_id, started_at, ended_at,
                            task_count)
        SELECT archive_key, chain_id, genesis_hash, run_id, archived_at, archived_at, task_count
        FROM previous_runs;
    INSERT INTO chain_runs (run_key, chain_id, started_at, ended_at)
        SELECT k, 0, CAST(strftime('%s', 'now') AS INTEGER),
               CAST(strftime('%s', 'now') AS INTEGER)
        FROM (SELECT chain_id AS k FROM tasks UNION SELECT chain_id FROM responses
              UNION SELECT chain_id FROM attempts UNION SELECT chain_id FROM results
              UNION SELECT chain_id FROM tx_journal)
        WHERE k < 0 AND k NOT IN (SELECT run_key FROM chain_runs);
    CREATE TEMP TABLE run_base AS SELECT COALESCE(MIN(run_key), 0) AS low FROM chain_runs;
    INSERT INTO chain_runs (run_key, chain_id, genesis_hash, run_id, started_at)
        SELECT (SELECT low FROM run_base) - ROW_NUMBER() OVER (ORDER BY ids.chain_id),
               ids.chain_id, known.genesis_hash, known.run_id,
               COALESCE(known.recorded_at, CAST(strftime('%s', 'now') AS INTEGER))
        FROM (SELECT chain_id FROM chain_identity UNION SELECT chain_id FROM tasks
              UNION SELECT chain_id FROM responses UNION SELECT chain_id FROM attempts
              UNION SELECT chain_id FROM results UNION SELECT chain_id FROM tx_journal
              UNION SELECT chain_id FROM tracker_cursor) AS ids
        LEFT JOIN chain_identity AS known ON known.chain_id = ids.chain_id
        WHERE ids.chain_id > 0;
    DROP TABLE run_base;
    CREATE TEMP TABLE run_of AS
        SELECT run_key AS old, run_key, chain_id FROM chain_runs WHERE ended_at IS NOT NULL
        UNION ALL
        SELECT chain_id, run_key, chain_id FROM chain_runs WHERE ended_at IS NULL;

    CREATE TABLE tasks_v5 (
        run_key INTEGER NOT NULL,
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
        events_read INTEGER NOT NULL DEFAULT 0,
        final_seen_block INTEGER,
        PRIMARY KEY (run_key, address)
    );
    INSERT INTO tasks_v5
        SELECT r.run_key, r.chain_id, t.address, t.source, t.sender, t.config_url, t.config_json,
               t.payment_wei, t.expiry_time, t.delivery_method, t.pipeline, t.status,
               t.attempt_count, t.tx_hash, t.block_number, t.published_at, t.updated_at,
               t.events_read, t.final_seen_block
        FROM tasks AS t JOIN run_of AS r ON r.old = t.chain_id ORDER BY t.rowid;
    DROP TABLE tasks;
    ALTER TABLE tasks_v5 RENAME TO tasks;
    CREATE INDEX tasks_by_status ON tasks (run_key, status);
    CREATE INDEX tasks_by_tx ON tasks (tx_hash);

    CREATE TABLE responses_v5 (
        run_key INTEGER NOT NULL,
        chain_id INTEGER NOT NULL,
        address TEXT NOT NULL,
        task TEXT NOT NULL,
        provider TEXT,
        data TEXT,
        status INTEGER NOT NULL DEFAULT 0,
        payment_wei TEXT,
        block_number INTEGER,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (run_key, address)
    );
    INSERT INTO responses_v5
        SELECT r.run_key, r.chain_id, s.address, s.task, s.provider, s.data, s.status,
               s.payment_wei, s.block_number, s.updated_at
        FROM responses AS s JOIN run_of AS r ON r.old = s.chain_id ORDER BY s.rowid;
    DROP TABLE responses;
    ALTER TABLE responses_v5 RENAME TO responses;
    CREATE INDEX responses_by_task ON responses (run_key, task);

    CREATE TABLE attempts_v5 (
        run_key INTEGER NOT NULL,
        task TEXT NOT NULL,
        provider TEXT NOT NULL,
        block_number INTEGER NOT NULL,
        PRIMARY KEY (run_key, task, provider)
    );
    INSERT INTO attempts_v5
        SELECT r.run_key, a.task, a.provider, a.block_number
        FROM attempts AS a JOIN run_of AS r ON r.old = a.chain_id;
    DROP TABLE attempts;
    ALTER TABLE attempts_v5 RENAME TO attempts;

    CREATE TABLE results_v5 (
        run_key INTEGER NOT NULL,
        response TEXT NOT NULL,
        raw TEXT NOT NULL,
        content_type TEXT NOT NULL,
        fetched_from TEXT,
        fetched_at INTEGER NOT NULL,
        PRIMARY KEY (run_key, response)
    );
    INSERT INTO results_v5
        SELECT r.run_key, s.response, s.raw, s.content_type, s.fetched_from, s.fetched_at
        FROM results AS s JOIN run_of AS r ON r.old = s.chain_id;
    DROP TABLE results;
    ALTER TABLE results_v5 RENAME TO results;

    CREATE TABLE tx_journal_v5 (
        run_key INTEGER NOT NULL,
        tx_hash TEXT NOT NULL,
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
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (run_key, tx_hash)
    );
    INSERT INTO tx_journal_v5
        SELECT r.run_key, j.tx_hash, r.chain_id, j.sender, j.nonce, j.raw, j.kind, j.meta,
               j.state, j.note, j.block_number, j.created_at, j.updated_at
        FROM tx_journal AS j JOIN run_of AS r ON r.old = j.chain_id ORDER BY j.rowid;
    DROP TABLE tx_journal;
    ALTER TABLE tx_journal_v5 RENAME TO tx_journal;
    CREATE INDEX tx_journal_open ON tx_journal (run_key, state);
    CREATE INDEX tx_journal_by_hash ON tx_journal (tx_hash);

    CREATE TABLE tracker_cursor_v5 (
        run_key INTEGER NOT NULL,
        nexus TEXT NOT NULL,
        block_number INTEGER NOT NULL,
        PRIMARY KEY (run_key, nexus)
    );
    INSERT INTO tracker_cursor_v5
        SELECT r.run_key, c.nexus, c.block_number
        FROM tracker_cursor AS c JOIN run_of AS r ON r.old = c.chain_id;
    DROP TABLE tracker_cursor;
    ALTER TABLE tracker_cursor_v5 RENAME TO tracker_cursor;

    DROP TABLE run_of;
    DROP TABLE chain_identity;
    DROP TABLE previous_runs;
    """,
    # 6: ``expiry_read_block`` is the block, dated after the task's expiry, at which a direct
    # status read saw the task still open. Expiry is lazy on chain (an unattempted task stays NEW
    # until someone touches it), so such a task would otherwise be read again at every status
    # check, forever; once it is set the checks leave the task alone (polls still follow it).
    """
    ALTER TABLE tasks ADD COLUMN expiry_read_block INTEGER;
    """,
    # 7: batches, one job over many inputs. A batch belongs to a chain run like its tasks; its
    # items keep every input in order, refused ones included, with the input's fingerprint
    # (``input_key``: the same input listed again has the same key) and what is needed to show
    # and export it (``entry``, JSON). ``tx_hash`` is written before the item's publish is
    # journaled, so a batch resumed after a crash asks the journal, not the chain's luck,
    # whether the input was sent; ``earlier_tasks`` keeps the tasks a retry replaced.
    """
    CREATE TABLE batches (
        batch_id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_key INTEGER NOT NULL,
        chain_id INTEGER NOT NULL,
        task_type TEXT NOT NULL,
        settings TEXT NOT NULL DEFAULT '{}',
        resume_key TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE INDEX batches_by_run ON batches (run_key, created_at);
    CREATE INDEX batches_by_resume_key ON batches (resume_key);
    CREATE TABLE batch_items (
        batch_id INTEGER NOT NULL REFERENCES batches (batch_id),
        item_index INTEGER NOT NULL,
        label TEXT NOT NULL,
        input_key TEXT,
        entry TEXT NOT NULL,
        status TEXT NOT NULL,
        task TEXT,
        tx_hash TEXT,
        error TEXT,
        headline TEXT,
        score REAL,
        tries INTEGER NOT NULL DEFAULT 0,
        earlier_tasks TEXT NOT NULL DEFAULT '',
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (batch_id, item_index)
    );
    CREATE INDEX batch_items_by_status ON batch_items (batch_id, status);
    CREATE INDEX batch_items_by_tx ON batch_items (tx_hash);
    CREATE INDEX batch_items_by_task ON batch_items (task);
    """,
)

