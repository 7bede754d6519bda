-- Lisoloo.Server PostgreSQL schema, migration 1. Times are unix milliseconds (UTC); money is integer micros (1e-6 of the
-- currency unit). Applied by PostgresSchema under a session advisory lock, so nodes starting together apply it once.
-- Columns and meanings follow the SQLite schema (Storage/Sqlite/schema.sql); what differs is noted.

CREATE TABLE merchants (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);

-- One account per merchant and environment: the balance is a cache of the ledger, kept in the same transaction.
CREATE TABLE accounts (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  merchant_id BIGINT NOT NULL REFERENCES merchants(id),
  environment TEXT NOT NULL CHECK (environment IN ('test','live')),
  currency TEXT NOT NULL,
  unit_price_micros BIGINT NOT NULL CHECK (unit_price_micros >= 0),
  balance_micros BIGINT NOT NULL DEFAULT 0 CHECK (balance_micros >= 0),
  reserved_micros BIGINT NOT NULL DEFAULT 0 CHECK (reserved_micros >= 0),
  UNIQUE (merchant_id, environment)
);

CREATE TABLE ledger_entries (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  kind TEXT NOT NULL CHECK (kind IN ('topup','reserve','refund','spend')),
  amount_micros BIGINT NOT NULL CHECK (amount_micros >= 0),
  send_id BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX ix_ledger_account ON ledger_entries(account_id);

CREATE TABLE api_keys (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  key_hash BYTEA NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  environment TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT,
  webhook_url TEXT,
  webhook_user TEXT,
  webhook_password_enc BYTEA,
  webhook_secret_enc BYTEA NOT NULL,
  webhook_secret_prev_enc BYTEA,
  webhook_secret_prev_until BIGINT,
  webhook_events TEXT,
  webhook_disabled_at BIGINT,
  default_sender TEXT,
  send_per_minute INTEGER,
  status_per_minute INTEGER,
  balance_per_minute INTEGER,
  calculate_per_minute INTEGER
);

CREATE TABLE sends (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  message_id TEXT NOT NULL UNIQUE,
  key_id BIGINT NOT NULL,
  account_id BIGINT NOT NULL,
  sending_type TEXT NOT NULL,
  body TEXT NOT NULL,
  sender_id TEXT,
  encoding TEXT NOT NULL,
  segments INTEGER NOT NULL,
  recipients TEXT NOT NULL,
  total_recipients INTEGER NOT NULL,
  occurrences INTEGER NOT NULL,
  total_messages BIGINT NOT NULL,
  unit_price_micros BIGINT NOT NULL,
  total_cost_micros BIGINT NOT NULL,
  refunded_micros BIGINT NOT NULL DEFAULT 0,
  currency TEXT NOT NULL,
  callback_url TEXT,
  timezone TEXT,
  schedule TEXT,
  state TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  first_send_at BIGINT NOT NULL
);

-- Occurrences are released in the transaction that claims them (FOR UPDATE SKIP LOCKED): no lease is needed, a crash
-- rolls the release back.
CREATE TABLE occurrences (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  send_id BIGINT NOT NULL,
  seq INTEGER NOT NULL,
  due_at BIGINT NOT NULL,
  state TEXT NOT NULL,
  UNIQUE (send_id, seq)
);
CREATE INDEX ix_occurrences_due ON occurrences(due_at) WHERE state = 'scheduled';

-- A claimed delivery (processing, handed to a network carrier) holds a lease: due_at = lease_until, claimed_by = the
-- node. When the lease ends without an answer the row is due again and any node claims it.
CREATE TABLE deliveries (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  send_id BIGINT NOT NULL,
  seq INTEGER NOT NULL,
  recipient TEXT NOT NULL,
  state TEXT NOT NULL,
  error_code INTEGER,
  error_message TEXT,
  carrier TEXT,
  carrier_ref TEXT,
  receipt_state TEXT,
  due_at BIGINT NOT NULL,
  lease_until BIGINT NOT NULL DEFAULT 0,
  claimed_by TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL,
  pending_at BIGINT NOT NULL,
  queued_at BIGINT,
  processing_at BIGINT,
  sent_at BIGINT,
  accepted_at BIGINT,
  final_at BIGINT
);
CREATE INDEX ix_deliveries_send ON deliveries(send_id, seq);
CREATE INDEX ix_deliveries_due ON deliveries(due_at) WHERE state IN ('pending','queued','processing');
CREATE INDEX ix_deliveries_receipts ON deliveries(due_at) WHERE state = 'sent' AND receipt_state IS NOT NULL;

-- The webhook outbox. A claim counts the attempt and pushes next_attempt_at past the attempt's timeout (the lease), and
-- records the claiming node in claimed_by.
CREATE TABLE events (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  key_id BIGINT NOT NULL,
  target_url TEXT NOT NULL,
  type TEXT NOT NULL,
  payload BYTEA NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  claimed_by TEXT,
  last_status INTEGER,
  last_error TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX ix_events_due ON events(next_attempt_at) WHERE state = 'pending';

-- One row per (key, Idempotency-Key): the primary key makes two nodes racing on one key produce one winner.
CREATE TABLE idempotency (
  key_id BIGINT NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash BYTEA NOT NULL,
  status INTEGER NOT NULL,
  response BYTEA NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (key_id, idem_key)
);
CREATE INDEX ix_idempotency_created ON idempotency(created_at);

CREATE TABLE delivery_parts (
  route TEXT NOT NULL,
  smsc_id TEXT NOT NULL,
  delivery_id BIGINT NOT NULL,
  part INTEGER NOT NULL,
  parts INTEGER NOT NULL,
  state TEXT NOT NULL,
  detail TEXT,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (route, smsc_id)
);
CREATE INDEX ix_delivery_parts_delivery ON delivery_parts(delivery_id);

CREATE TABLE early_receipts (
  route TEXT NOT NULL,
  smsc_id TEXT NOT NULL,
  receipt_group TEXT NOT NULL,
  state TEXT NOT NULL,
  detail TEXT,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (route, smsc_id)
);
CREATE INDEX ix_early_receipts_group ON early_receipts(receipt_group);

CREATE TABLE inbound_parts (
  route TEXT NOT NULL,
  source TEXT NOT NULL,
  destination TEXT NOT NULL,
  reference INTEGER NOT NULL,
  total INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  text TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (route, source, destination, reference, total, seq)
);

-- Per-key, per-endpoint, per-minute request counters: the rate limit holds across nodes (one atomic upsert per request).
CREATE TABLE rate_windows (
  key_id BIGINT NOT NULL,
  endpoint SMALLINT NOT NULL,
  minute BIGINT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (key_id, endpoint, minute)
);
