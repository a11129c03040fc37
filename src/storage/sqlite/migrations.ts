/**
 * Versioned schema (PRAGMA user_version). Append-only is enforced here, in the database itself
 * (ARCHITECTURE §3 "Database guard rails"): events, tree hashes and checkpoints refuse UPDATE
 * and DELETE; the single exception is the retention path blanking an event's payload and salt.
 */
export const MIGRATIONS: readonly string[] = [
  /* 1 */ `
  CREATE TABLE tenants (
    tenant_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL DEFAULT 0 CHECK (size >= 0)
  );
  CREATE TRIGGER tenants_size_grows BEFORE UPDATE ON tenants
    WHEN NEW.size < OLD.size OR NEW.name IS NOT OLD.name OR NEW.tenant_id IS NOT OLD.tenant_id
    BEGIN SELECT RAISE(ABORT, 'append-only: a log never shrinks or is renamed'); END;
  CREATE TRIGGER tenants_no_delete BEFORE DELETE ON tenants
    BEGIN SELECT RAISE(ABORT, 'append-only: logs are never deleted'); END;

  CREATE TABLE events (
    pos INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    id TEXT NOT NULL,
    occurred_ms INTEGER NOT NULL,
    received_ms INTEGER NOT NULL,
    action TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    source_ip BLOB,
    event TEXT,
    salt BLOB,
    leaf_input TEXT NOT NULL
  );
  CREATE UNIQUE INDEX events_seq ON events (tenant_id, seq);
  CREATE UNIQUE INDEX events_id ON events (tenant_id, id);
  -- Search order is (occurred_ms DESC, seq DESC): each index serves its filter and the order.
  CREATE INDEX events_actor ON events (tenant_id, actor_id, occurred_ms, seq);
  CREATE INDEX events_action ON events (tenant_id, action, occurred_ms, seq);
  CREATE INDEX events_occurred ON events (tenant_id, occurred_ms, seq);

  CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'append-only: events cannot be deleted'); END;
  -- Retention may blank payload and salt (both to NULL, nothing else); any other change aborts.
  CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    WHEN NOT (NEW.event IS NULL AND NEW.salt IS NULL
      AND NEW.pos IS OLD.pos AND NEW.tenant_id IS OLD.tenant_id AND NEW.seq IS OLD.seq
      AND NEW.id IS OLD.id AND NEW.occurred_ms IS OLD.occurred_ms
      AND NEW.received_ms IS OLD.received_ms AND NEW.action IS OLD.action
      AND NEW.actor_id IS OLD.actor_id AND NEW.outcome IS OLD.outcome
      AND NEW.category IS OLD.category AND NEW.severity IS OLD.severity
      AND NEW.source_ip IS OLD.source_ip AND NEW.leaf_input IS OLD.leaf_input)
    BEGIN SELECT RAISE(ABORT, 'append-only: events cannot be modified'); END;

  CREATE TABLE tree_hashes (
    tenant_id INTEGER NOT NULL,
    sidx INTEGER NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (tenant_id, sidx)
  ) WITHOUT ROWID;
  CREATE TRIGGER tree_hashes_no_update BEFORE UPDATE ON tree_hashes
    BEGIN SELECT RAISE(ABORT, 'append-only: tree hashes cannot be modified'); END;
  CREATE TRIGGER tree_hashes_no_delete BEFORE DELETE ON tree_hashes
    BEGIN SELECT RAISE(ABORT, 'append-only: tree hashes cannot be deleted'); END;

  CREATE TABLE checkpoints (
    tenant_id INTEGER NOT NULL,
    size INTEGER NOT NULL,
    root BLOB NOT NULL,
    note TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, size)
  ) WITHOUT ROWID;
  CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
    BEGIN SELECT RAISE(ABORT, 'append-only: checkpoints cannot be modified'); END;
  CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
    BEGIN SELECT RAISE(ABORT, 'append-only: checkpoints cannot be deleted'); END;

  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    name TEXT NOT NULL,
    scopes TEXT NOT NULL,
    secret_hash BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
  );

  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
  /* 2: outbound streams (docs/outbound.md) */ `
  CREATE TABLE outbound_streams (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    name TEXT NOT NULL,
    q TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    destination TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    after_seq INTEGER NOT NULL,
    delivered INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    last_attempt_at TEXT,
    failures INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX outbound_streams_tenant ON outbound_streams (tenant, created_at);
  CREATE TABLE outbound_dead_letters (
    stream_id TEXT NOT NULL,
    from_seq INTEGER NOT NULL,
    to_seq INTEGER NOT NULL,
    error TEXT NOT NULL,
    at TEXT NOT NULL
  );
  CREATE INDEX outbound_dead_letters_stream ON outbound_dead_letters (stream_id, from_seq);
  CREATE TRIGGER outbound_dead_letters_no_change BEFORE UPDATE ON outbound_dead_letters
    BEGIN SELECT RAISE(ABORT, 'append-only: dead letters cannot be modified'); END;
  CREATE TRIGGER outbound_dead_letters_no_delete BEFORE DELETE ON outbound_dead_letters
    BEGIN SELECT RAISE(ABORT, 'append-only: dead letters cannot be deleted'); END;
  `,
  /* 3: alerts and detection cursors (docs/api.md "Alerts and rules") */ `
  CREATE TABLE alerts (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    rule_title TEXT NOT NULL,
    severity TEXT NOT NULL,
    group_key TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
    first_seen_ms INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    count INTEGER NOT NULL,
    event_ids TEXT NOT NULL,
    summary TEXT NOT NULL,
    context TEXT NOT NULL,
    history TEXT NOT NULL,
    revision INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX alerts_tenant ON alerts (tenant, id);
  CREATE INDEX alerts_group ON alerts (tenant, rule_id, group_key, id);
  -- Alerts are kept (their ids are in the logs' alert.* events): never deleted.
  CREATE TRIGGER alerts_no_delete BEFORE DELETE ON alerts
    BEGIN SELECT RAISE(ABORT, 'alerts cannot be deleted'); END;
  CREATE TABLE detection_cursors (
    tenant TEXT PRIMARY KEY,
    after_seq INTEGER NOT NULL
  );
  -- Logs that exist when detection arrives start at their end: the history is not replayed
  -- into a burst of alerts (\`veritrail rules backtest\` evaluates it without raising any).
  INSERT INTO detection_cursors (tenant, after_seq) SELECT name, size - 1 FROM tenants WHERE size > 0;
  `,
  /* 4: retention policies and legal holds (docs/retention.md) */ `
  CREATE TABLE retention_policies (
    tenant TEXT NOT NULL,
    name TEXT NOT NULL,
    scope TEXT NOT NULL,
    min_days INTEGER NOT NULL CHECK (min_days >= 0),
    max_days INTEGER CHECK (max_days >= 0),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, name)
  );
  CREATE TABLE legal_holds (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    scope TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    released_at TEXT,
    released_by TEXT,
    release_reason TEXT
  );
  CREATE INDEX legal_holds_tenant ON legal_holds (tenant, id);
  -- A hold is never deleted; its one change is its release, once, with who, when and why.
  CREATE TRIGGER legal_holds_no_delete BEFORE DELETE ON legal_holds
    BEGIN SELECT RAISE(ABORT, 'legal holds cannot be deleted'); END;
  CREATE TRIGGER legal_holds_release_once BEFORE UPDATE ON legal_holds
    WHEN OLD.released_at IS NOT NULL OR NEW.released_at IS NULL OR NEW.released_by IS NULL
      OR NEW.release_reason IS NULL
      OR NEW.id IS NOT OLD.id OR NEW.tenant IS NOT OLD.tenant OR NEW.scope IS NOT OLD.scope
      OR NEW.reason IS NOT OLD.reason OR NEW.created_by IS NOT OLD.created_by
      OR NEW.created_at IS NOT OLD.created_at
    BEGIN SELECT RAISE(ABORT, 'a legal hold can only be released, once'); END;
  `,
  /* 5: source health, observer.seq gaps (docs/source-health.md) and reviews (docs/reviews.md) */ `
  CREATE TABLE sources (
    tenant TEXT NOT NULL,
    service TEXT NOT NULL,
    first_event_ms INTEGER,
    last_event_ms INTEGER,
    first_received_ms INTEGER,
    last_received_ms INTEGER,
    count INTEGER NOT NULL DEFAULT 0,
    last_observer_seq INTEGER,
    expected_every_ms INTEGER CHECK (expected_every_ms > 0),
    PRIMARY KEY (tenant, service)
  );
  CREATE TABLE source_gaps (
    tenant TEXT NOT NULL,
    service TEXT NOT NULL,
    from_seq INTEGER NOT NULL,
    to_seq INTEGER NOT NULL CHECK (to_seq >= from_seq),
    detected_ms INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    PRIMARY KEY (tenant, service, from_seq)
  );
  CREATE INDEX source_gaps_time ON source_gaps (tenant, detected_ms);
  CREATE TABLE source_health_cursors (
    tenant TEXT PRIMARY KEY,
    after_seq INTEGER NOT NULL
  );
  CREATE TABLE review_tasks (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    name TEXT NOT NULL,
    scope TEXT NOT NULL,
    period_ms INTEGER NOT NULL CHECK (period_ms > 0),
    every_ms INTEGER NOT NULL CHECK (every_ms > 0),
    assignee TEXT NOT NULL,
    starts_ms INTEGER NOT NULL,
    opened INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (tenant, name)
  );
  CREATE TABLE reviews (
    id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL REFERENCES review_tasks (id),
    tenant TEXT NOT NULL,
    name TEXT NOT NULL,
    from_ms INTEGER NOT NULL,
    to_ms INTEGER NOT NULL,
    packet TEXT NOT NULL,
    created_at TEXT NOT NULL,
    decision TEXT,
    note TEXT,
    signed_by TEXT,
    signed_at TEXT,
    UNIQUE (task_id, from_ms, to_ms)
  );
  CREATE INDEX reviews_tenant ON reviews (tenant, id);
  -- Reviews are evidence: never deleted, signed off once.
  CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
    BEGIN SELECT RAISE(ABORT, 'reviews cannot be deleted'); END;
  CREATE TRIGGER reviews_sign_once BEFORE UPDATE ON reviews
    WHEN OLD.decision IS NOT NULL OR NEW.packet IS NOT OLD.packet OR NEW.from_ms IS NOT OLD.from_ms
      OR NEW.to_ms IS NOT OLD.to_ms OR NEW.tenant IS NOT OLD.tenant
    BEGIN SELECT RAISE(ABORT, 'a review can only be signed off, once'); END;
  `,
  /* 6: the report index, derived from the logs and rebuilt at will (docs/reports.md) */ `
  CREATE TABLE report_index (
    tenant TEXT PRIMARY KEY,
    after_seq INTEGER NOT NULL,
    version TEXT NOT NULL
  );
  CREATE TABLE report_days (
    tenant TEXT NOT NULL,
    day INTEGER NOT NULL,
    service TEXT NOT NULL,
    measure TEXT NOT NULL,
    PRIMARY KEY (tenant, day, service)
  ) WITHOUT ROWID;
  CREATE TABLE report_marks (
    tenant TEXT NOT NULL,
    seq INTEGER NOT NULL,
    occurred_ms INTEGER NOT NULL,
    sections INTEGER NOT NULL,
    PRIMARY KEY (tenant, seq)
  ) WITHOUT ROWID;
  CREATE INDEX report_marks_time ON report_marks (tenant, occurred_ms);
  `,
];
