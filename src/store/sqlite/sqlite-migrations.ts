/**
 * Versioned schema of the SQLite store. `PRAGMA user_version` holds the number
 * of migrations applied; append new ones, never edit old ones.
 */
export const sqliteMigrations: readonly string[] = [
  `
  CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    started_at REAL NOT NULL,
    ended_at REAL,
    strategy TEXT NOT NULL,
    pid INTEGER NOT NULL,
    summary TEXT
  );
  CREATE TABLE documents (
    hash TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    content TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE requests (
    hash TEXT PRIMARY KEY,
    canonical TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE calls (
    id INTEGER PRIMARY KEY,
    agent TEXT NOT NULL,
    hash TEXT NOT NULL,
    occurrence INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    session INTEGER NOT NULL,
    status TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    response_id INTEGER,
    sent_at REAL,
    received_at REAL,
    UNIQUE (agent, hash, occurrence)
  );
  CREATE TABLE responses (
    id INTEGER PRIMARY KEY,
    call_id INTEGER NOT NULL REFERENCES calls (id),
    session INTEGER NOT NULL,
    text TEXT NOT NULL,
    -- the LLMResult as JSON, without its text
    result TEXT NOT NULL,
    input_tokens INTEGER,
    output_tokens INTEGER,
    created_at REAL NOT NULL
  );
  CREATE INDEX responses_by_call ON responses (call_id);
  CREATE TABLE failures (
    id INTEGER PRIMARY KEY,
    agent TEXT NOT NULL,
    hash TEXT NOT NULL,
    occurrence INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    session INTEGER NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    kind TEXT NOT NULL,
    status_code INTEGER,
    message TEXT NOT NULL,
    request_id TEXT,
    created_at REAL NOT NULL
  );
  CREATE INDEX failures_by_call ON failures (agent, hash, occurrence);
  CREATE TABLE userdata (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    session INTEGER NOT NULL,
    updated_at REAL NOT NULL
  );
  `,
  `
  CREATE TABLE batches (
    id INTEGER PRIMARY KEY,
    tag TEXT NOT NULL UNIQUE,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    provider_batch_id TEXT,
    state TEXT NOT NULL,
    session INTEGER NOT NULL,
    request_count INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    message TEXT
  );
  CREATE TABLE batch_calls (
    batch_id INTEGER NOT NULL REFERENCES batches (id),
    custom_id TEXT NOT NULL,
    agent TEXT NOT NULL,
    hash TEXT NOT NULL,
    occurrence INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (batch_id, custom_id)
  ) WITHOUT ROWID;
  CREATE INDEX batch_calls_by_call ON batch_calls (agent, hash, occurrence);
  `,
  `
  -- Conversations: a tree of messages per (agent, conversation); a node's id is a
  -- content address, so a rebuilt history reuses its nodes and forks share their prefix.
  CREATE TABLE conversation_nodes (
    id TEXT PRIMARY KEY,
    agent TEXT NOT NULL,
    conversation TEXT NOT NULL,
    parent_id TEXT,
    message_json TEXT NOT NULL,
    call_id INTEGER REFERENCES calls (id),
    session INTEGER NOT NULL,
    created_at REAL NOT NULL
  );
  CREATE INDEX conversation_nodes_by_conversation ON conversation_nodes (agent, conversation);
  CREATE TABLE conversation_heads (
    agent TEXT NOT NULL,
    conversation TEXT NOT NULL,
    branch TEXT NOT NULL,
    node_id TEXT NOT NULL REFERENCES conversation_nodes (id),
    PRIMARY KEY (agent, conversation, branch)
  ) WITHOUT ROWID;
  `,
  `
  ALTER TABLE responses ADD COLUMN cached_tokens INTEGER;
  ALTER TABLE responses ADD COLUMN via_batch INTEGER NOT NULL DEFAULT 0;
  `,
  `
  -- Canonical requests move into the rows of their calls (and of batch calls not yet
  -- answered): written with a row that is written anyway, instead of into a table keyed
  -- by a random hash, whose B-tree took a page write per answer and halved store speed.
  ALTER TABLE calls ADD COLUMN canonical TEXT;
  ALTER TABLE batch_calls ADD COLUMN canonical TEXT;
  UPDATE calls SET canonical = (SELECT canonical FROM requests WHERE requests.hash = calls.hash);
  UPDATE batch_calls SET canonical = (SELECT canonical FROM requests WHERE requests.hash = batch_calls.hash);
  DROP TABLE requests;
  `,
  `
  -- Provider batches that reconciling matched to an intent and whose results then
  -- proved to be another submission's (a JSON array): never matched to it again.
  ALTER TABLE batches ADD COLUMN rejected_ids TEXT;
  `,
  `
  -- Failures inside provider batches count against the retry bound of batch failures.
  ALTER TABLE failures ADD COLUMN via_batch INTEGER NOT NULL DEFAULT 0;
  `,
  `
  -- A session's answers are the ones whose session column names it (sessions may overlap
  -- on a shared database): read by session for its usage at close.
  CREATE INDEX responses_by_session ON responses (session);
  `,
  `
  -- When the user asked to send a call again (pllm retry): its failures until then are
  -- history, and no longer hold it back nor count against the bound of batch failures.
  ALTER TABLE failures ADD COLUMN retried_at REAL;
  `,
  `
  -- The provider's response as received (JSON text, raw deflate; see store/raw-response-codec.ts):
  -- NULL for answers stored before it was kept, or with keepRaw: false.
  ALTER TABLE responses ADD COLUMN raw BLOB;
  `,
  `
  -- What pllm status counts, without reading every call: a session's tokens by model, written
  -- when it ends (sessions still open are counted live), and the calls by model answered and
  -- not yet answered, in partial indexes.
  CREATE TABLE session_usage (
    session INTEGER NOT NULL,
    model TEXT NOT NULL,
    via_batch INTEGER NOT NULL,
    answers INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cached_tokens INTEGER NOT NULL,
    PRIMARY KEY (session, model, via_batch)
  ) WITHOUT ROWID;
  INSERT INTO session_usage
    SELECT r.session, c.model, r.via_batch, count(*),
      coalesce(sum(r.input_tokens), 0), coalesce(sum(r.output_tokens), 0), coalesce(sum(r.cached_tokens), 0)
    FROM responses r JOIN calls c ON c.id = r.call_id
    WHERE r.session IN (SELECT id FROM sessions WHERE ended_at IS NOT NULL)
    GROUP BY r.session, c.model, r.via_batch;
  CREATE INDEX calls_answered_by_model ON calls (provider, model) WHERE response_id IS NOT NULL;
  CREATE INDEX calls_unanswered ON calls (agent, hash, occurrence) WHERE response_id IS NULL;
  `,
  `
  -- An embedding's vector (agent.embed): 32-bit floats, little-endian (core/vector-bytes.ts);
  -- NULL for every other answer.
  ALTER TABLE responses ADD COLUMN vector BLOB;
  `,
  `
  -- Answers stored without token counts (Gemini's direct embeddings report none), counted apart
  -- so a cost is never priced on a missing count read as 0. Recounted for sessions already over.
  ALTER TABLE session_usage ADD COLUMN uncounted INTEGER NOT NULL DEFAULT 0;
  UPDATE session_usage SET uncounted = counted.answers
  FROM (
    SELECT r.session, c.model, r.via_batch, count(*) AS answers
    FROM responses r JOIN calls c ON c.id = r.call_id
    WHERE r.input_tokens IS NULL
    GROUP BY r.session, c.model, r.via_batch
  ) AS counted
  WHERE session_usage.session = counted.session AND session_usage.model = counted.model
    AND session_usage.via_batch = counted.via_batch;
  `,
];
