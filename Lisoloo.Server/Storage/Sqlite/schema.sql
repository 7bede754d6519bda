-- Lisoloo.Server SQLite schema, version 1. Times are unix milliseconds (UTC); money is integer micros (1e-6 of the currency unit).
CREATE TABLE IF NOT EXISTS schema_info (version INTEGER NOT NULL);

-- One row that GET /health rewrites with 32 KiB of random bytes to learn whether the disk takes a write the size of a
-- large accept: a one-page write still fits on a disk too full for real work.
CREATE TABLE IF NOT EXISTS health_probe (id INTEGER PRIMARY KEY CHECK (id = 1), data BLOB NOT NULL);

CREATE TABLE IF NOT EXISTS merchants (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);

-- One account per merchant and environment: the balance is a cache of the ledger, kept in the same transaction.
CREATE TABLE IF NOT EXISTS accounts (
  id INTEGER PRIMARY KEY,
  merchant_id INTEGER NOT NULL REFERENCES merchants(id),
  environment TEXT NOT NULL CHECK (environment IN ('test','live')),
  currency TEXT NOT NULL,
  unit_price_micros INTEGER NOT NULL CHECK (unit_price_micros >= 0),
  balance_micros INTEGER NOT NULL DEFAULT 0 CHECK (balance_micros >= 0),
  reserved_micros INTEGER NOT NULL DEFAULT 0 CHECK (reserved_micros >= 0),
  UNIQUE (merchant_id, environment)
);

CREATE TABLE IF NOT EXISTS ledger_entries (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  kind TEXT NOT NULL CHECK (kind IN ('topup','reserve','refund','spend')),
  amount_micros INTEGER NOT NULL CHECK (amount_micros >= 0),
  send_id INTEGER,
  created_at INTEGER NOT NULL
);
-- No index by account: nothing on a request or worker path reads the ledger back (the balance is the accounts row,
-- kept in the same transaction); only the consistency check rebuilds it, by a scan. The index an earlier build created
-- cost a B-tree insert and a dirty page per reserve and spend row.
DROP INDEX IF EXISTS ix_ledger_account;

CREATE TABLE IF NOT EXISTS api_keys (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  key_hash BLOB NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  environment TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  webhook_url TEXT,
  webhook_user TEXT,
  webhook_password_enc BLOB,
  webhook_secret_enc BLOB NOT NULL,
  webhook_secret_prev_enc BLOB,        -- the secret before the last rotation, still signing until ..._prev_until
  webhook_secret_prev_until INTEGER,
  webhook_events TEXT,
  webhook_disabled_at INTEGER,
  default_sender TEXT,
  send_per_minute INTEGER,
  status_per_minute INTEGER,
  balance_per_minute INTEGER,
  calculate_per_minute INTEGER
);

CREATE TABLE IF NOT EXISTS sends (
  id INTEGER PRIMARY KEY,
  message_id TEXT NOT NULL UNIQUE,
  key_id INTEGER NOT NULL,
  account_id INTEGER NOT NULL,
  sending_type TEXT NOT NULL,
  body TEXT NOT NULL,
  sender_id TEXT,
  encoding TEXT NOT NULL,
  segments INTEGER NOT NULL,
  recipients TEXT NOT NULL,            -- normalised numbers, newline separated
  total_recipients INTEGER NOT NULL,
  occurrences INTEGER NOT NULL,
  total_messages INTEGER NOT NULL,
  unit_price_micros INTEGER NOT NULL,
  total_cost_micros INTEGER NOT NULL,
  refunded_micros INTEGER NOT NULL DEFAULT 0,
  currency TEXT NOT NULL,
  callback_url TEXT,
  timezone TEXT,
  schedule TEXT,                       -- the schedule as submitted (JSON), for display
  state TEXT NOT NULL,                 -- active | paused | cancelled
  created_at INTEGER NOT NULL,
  first_send_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS occurrences (
  id INTEGER PRIMARY KEY,
  send_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  state TEXT NOT NULL,                 -- scheduled | paused | released | cancelled | skipped
  lease_until INTEGER NOT NULL DEFAULT 0,
  UNIQUE (send_id, seq)
);
CREATE INDEX IF NOT EXISTS ix_occurrences_due ON occurrences(due_at) WHERE state = 'scheduled';

CREATE TABLE IF NOT EXISTS deliveries (
  id INTEGER PRIMARY KEY,
  send_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  recipient TEXT NOT NULL,
  state TEXT NOT NULL,
  error_code INTEGER,
  error_message TEXT,
  carrier_error TEXT,                  -- the carrier's own words for the outcome (stat:UNDELIV err:001, ESME_RINVDSTADR)
  carrier TEXT,
  carrier_ref TEXT,
  receipt_state TEXT,                  -- a receipt the carrier announced at submit (sandbox), applied at due_at
  due_at INTEGER NOT NULL,             -- when the next step for this row is due (hand-off, or an announced receipt)
  lease_until INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL,
  pending_at INTEGER NOT NULL,         -- when each stage was reached (unix ms); final_at for the terminal state
  queued_at INTEGER,
  processing_at INTEGER,
  sent_at INTEGER,
  accepted_at INTEGER,
  final_at INTEGER
);
CREATE INDEX IF NOT EXISTS ix_deliveries_send ON deliveries(send_id, seq);
-- Nothing looks deliveries up by carrier_ref (SMPP receipts go through delivery_parts; sandbox receipts by due_at):
-- the index an earlier build created only cost an insert per message.
DROP INDEX IF EXISTS ix_deliveries_carrier_ref;
-- Hand-off queue, in two parts. A row is *fresh* while it is pending and due since it was written (due_at <= pending_at:
-- every immediate send without cancel_within, every released occurrence): fresh rows are appended in rowid order, so
-- the dispatcher takes them by walking rowids from dispatch_cursor (the last rowid it has walked past), with no index
-- entry to write at the accept and none to delete at the claim. Every other row still waiting for hand-off is
-- *deferred* (pending until a later due_at, queued for a retry, processing under a lease) and sits in
-- ix_deliveries_deferred, claimed by due_at. A row never becomes fresh again, and rowids only grow (deliveries are
-- never deleted), so a row the cursor walked past either was claimed or does not need it.
CREATE TABLE IF NOT EXISTS dispatch_cursor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_id INTEGER NOT NULL
);
-- A database an earlier build made (its queue was one index over every waiting row): the cursor starts before its first
-- fresh row. Runs once (the scan is skipped once the cursor exists).
INSERT INTO dispatch_cursor(id, last_id)
SELECT 1, COALESCE(
  (SELECT MIN(id) - 1 FROM deliveries WHERE state = 'pending' AND due_at <= pending_at),
  (SELECT MAX(id) FROM deliveries),
  0)
WHERE NOT EXISTS (SELECT 1 FROM dispatch_cursor);
CREATE INDEX IF NOT EXISTS ix_deliveries_deferred ON deliveries(due_at)
  WHERE state IN ('queued','processing') OR (state = 'pending' AND due_at > pending_at);
DROP INDEX IF EXISTS ix_deliveries_due;
CREATE INDEX IF NOT EXISTS ix_deliveries_receipts ON deliveries(due_at) WHERE state = 'sent' AND receipt_state IS NOT NULL;
-- Deliveries waiting for a carrier's receipt (SMPP): due_at is their receipt deadline (the end of time for carriers
-- without one); past it the carrier is asked (query_sm) or the delivery becomes unknown (1515).
CREATE INDEX IF NOT EXISTS ix_deliveries_receipt_deadline ON deliveries(due_at) WHERE state IN ('sent','accepted') AND receipt_state IS NULL;

CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  key_id INTEGER NOT NULL,
  target_url TEXT NOT NULL,
  type TEXT NOT NULL,
  payload BLOB NOT NULL,
  state TEXT NOT NULL,                 -- pending | delivered | failed | disabled
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  lease_until INTEGER NOT NULL DEFAULT 0,
  last_status INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_events_due ON events(next_attempt_at) WHERE state = 'pending';

CREATE TABLE IF NOT EXISTS idempotency (
  key_id INTEGER NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash BLOB NOT NULL,
  status INTEGER NOT NULL,
  response BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (key_id, idem_key)
);
CREATE INDEX IF NOT EXISTS ix_idempotency_created ON idempotency(created_at);

-- SMPP: one row per part a connection (route) submitted, keyed by the SMSC's message id as normalised by
-- SmscMessageId.Normalize, so a receipt on any session to that SMSC finds its part; a delivery with parts is
-- final once every part is.
CREATE TABLE IF NOT EXISTS delivery_parts (
  route TEXT NOT NULL,
  smsc_id TEXT NOT NULL,
  delivery_id INTEGER NOT NULL,
  part INTEGER NOT NULL,               -- 1-based
  parts INTEGER NOT NULL,              -- how many parts the message has
  state TEXT NOT NULL,                 -- sent | accepted | unknown | delivered | undelivered | expired | rejected | failed
  detail TEXT,                         -- the receipt's stat/err, for failures
  updated_at INTEGER NOT NULL,
  raw_id TEXT,                         -- the id as the SMSC wrote it, when normalising changed it (query_sm needs it)
  PRIMARY KEY (route, smsc_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_delivery_parts_delivery ON delivery_parts(delivery_id);

-- Receipts that arrived before the part they name was stored (a receipt overtaking its submit_sm_resp): applied when
-- the part is stored, purged after a day. One row per form the id may take (as written, hex, decimal).
CREATE TABLE IF NOT EXISTS early_receipts (
  route TEXT NOT NULL,
  smsc_id TEXT NOT NULL,
  receipt_group TEXT NOT NULL,
  state TEXT NOT NULL,
  detail TEXT,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (route, smsc_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_early_receipts_group ON early_receipts(receipt_group);

-- Parts of concatenated inbound (MO) messages waiting for their siblings.
CREATE TABLE IF NOT EXISTS inbound_parts (
  route TEXT NOT NULL,
  source TEXT NOT NULL,
  destination TEXT NOT NULL,
  reference INTEGER NOT NULL,
  total INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  text TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (route, source, destination, reference, total, seq)
) WITHOUT ROWID;
