import GRDB

/// The store's tables, created by versioned migrations so an old store upgrades in place.
///
/// `entry` holds the signed entries verbatim and is the source of truth. `card`, `card_field`,
/// `card_fts`, `edge`, `introduction`, `introduction_response` and `grant_entry` are
/// derived from the retained entries (``DerivedTables``). `history`, `clock`, `outbox`,
/// `rejection`, `set_aside`, `counter` and `card_key` are this node's own bookkeeping and are not
/// derived.
enum StoreSchema {
    /// The tables that ``DerivedTables/rebuild(_:)`` recomputes, in the order a rebuild clears them.
    static let derivedTables = ["card_fts", "card", "card_field", "edge", "introduction", "introduction_response",
                                "grant_entry"]

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // state: 0 retained, 1 quarantined (held until its stamp is within the future tolerance).
            try db.execute(sql: """
                CREATE TABLE entry (
                    id BLOB NOT NULL PRIMARY KEY,
                    author BLOB NOT NULL,
                    kind INTEGER NOT NULL,
                    rkey BLOB NOT NULL,
                    stamp INTEGER NOT NULL,
                    body BLOB NOT NULL,
                    signature BLOB NOT NULL,
                    state INTEGER NOT NULL
                );

                CREATE TABLE card (
                    rowid INTEGER PRIMARY KEY,
                    author BLOB NOT NULL UNIQUE
                );
                CREATE TABLE card_field (
                    author BLOB NOT NULL,
                    field TEXT NOT NULL,
                    items TEXT NOT NULL,
                    display TEXT NOT NULL,
                    stamp INTEGER NOT NULL,
                    entry_id BLOB NOT NULL,
                    PRIMARY KEY (author, field)
                ) WITHOUT ROWID;
                CREATE VIRTUAL TABLE card_fts USING fts5(
                    name, org, title, locality, note, categories,
                    tokenize = 'unicode61 remove_diacritics 2'
                );
                CREATE TABLE edge (
                    author BLOB NOT NULL,
                    target BLOB NOT NULL,
                    state INTEGER NOT NULL,
                    stamp INTEGER NOT NULL,
                    entry_id BLOB NOT NULL,
                    PRIMARY KEY (author, target)
                ) WITHOUT ROWID;
                CREATE INDEX edge_by_target ON edge(target, author);
                CREATE TABLE introduction (
                    id BLOB NOT NULL PRIMARY KEY,
                    author BLOB NOT NULL,
                    a BLOB NOT NULL,
                    b BLOB NOT NULL,
                    note TEXT NOT NULL,
                    stamp INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX introduction_by_a ON introduction(a);
                CREATE INDEX introduction_by_b ON introduction(b);
                CREATE TABLE introduction_response (
                    introduction BLOB NOT NULL,
                    author BLOB NOT NULL,
                    answer INTEGER NOT NULL,
                    stamp INTEGER NOT NULL,
                    entry_id BLOB NOT NULL,
                    PRIMARY KEY (introduction, author)
                ) WITHOUT ROWID;
                CREATE TABLE endpoint (
                    author BLOB NOT NULL PRIMARY KEY,
                    addresses TEXT NOT NULL,
                    stamp INTEGER NOT NULL,
                    entry_id BLOB NOT NULL
                ) WITHOUT ROWID;

                CREATE TABLE history (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    author BLOB NOT NULL,
                    field TEXT NOT NULL,
                    items TEXT NOT NULL,
                    stamp INTEGER NOT NULL,
                    entry_id BLOB NOT NULL,
                    UNIQUE (author, field, entry_id)
                );
                CREATE TABLE clock (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    last INTEGER NOT NULL
                );
                INSERT INTO clock (id, last) VALUES (1, 0);
                CREATE TABLE outbox (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    entry_id BLOB NOT NULL
                );
                CREATE TABLE rejection (
                    reason TEXT NOT NULL PRIMARY KEY,
                    count INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE counter (
                    name TEXT NOT NULL PRIMARY KEY,
                    value INTEGER NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO counter (name, value) VALUES ('generation', 0), ('pruned', 0);
                """)
        }
        // Protocol v2: entries written under v1 are checked again, and what the v2 rules refuse is
        // kept apart with its reason rather than dropped (PROTOCOL.md §15.5).
        migrator.registerMigration("v2") { db in
            try db.execute(sql: """
                CREATE TABLE set_aside (
                    id BLOB NOT NULL PRIMARY KEY,
                    reason TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    body BLOB NOT NULL,
                    signature BLOB NOT NULL
                ) WITHOUT ROWID;
                """)
            try StoreUpgrade.recheck(db)
            try db.execute(sql: "UPDATE counter SET value = value + 1 WHERE name = 'generation'")
        }
        // No query reads through the introduction indexes: `introductions(involving:)` asks for
        // `author = ? OR a = ? OR b = ?`, which scans the table whatever the indexes, since
        // `author` has none. Each introduction paid two random index inserts for nothing.
        migrator.registerMigration("v3-unused-indexes") { db in
            try db.execute(sql: "DROP INDEX IF EXISTS introduction_by_a; DROP INDEX IF EXISTS introduction_by_b")
        }
        // The derived tables are rebuilt at the end of the last migration below, once every column
        // the current code writes exists: so a store set aside entries in "v2" loses their rows.
        // Private card fields: a card field's sealed bytes beside its public items, the grants, and
        // the card keys this node made or opened (PROTOCOL.md §5.9). Grants stored before were kept
        // as an opaque kind; the rebuild gives them their rows, and drops those of entries "v2" set aside.
        migrator.registerMigration("private-fields") { db in
            try db.execute(sql: """
                ALTER TABLE card_field ADD COLUMN sealed BLOB;
                ALTER TABLE history ADD COLUMN sealed BLOB;
                CREATE TABLE grant_entry (
                    author BLOB NOT NULL,
                    recipient BLOB NOT NULL,
                    key_id BLOB NOT NULL,
                    sealed_key BLOB NOT NULL,
                    stamp INTEGER NOT NULL,
                    entry_id BLOB NOT NULL,
                    PRIMARY KEY (author, recipient)
                ) WITHOUT ROWID;
                CREATE INDEX grant_by_recipient ON grant_entry(recipient, author);
                CREATE TABLE card_key (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    author BLOB NOT NULL,
                    key_id BLOB NOT NULL,
                    key BLOB NOT NULL,
                    UNIQUE (author, key_id)
                );
                """)
            try DerivedTables.rebuild(db)
        }
        // Nothing ever read the `endpoint` table (v1): endpoints are read from their entries. Every
        // endpoint entry paid a row write, and a JSON column written by hand, for nothing.
        migrator.registerMigration("drop-endpoint-table") { db in
            try db.execute(sql: "DROP TABLE IF EXISTS endpoint")
        }
        return migrator
    }
}
