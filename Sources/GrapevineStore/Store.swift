import Foundation
import GRDB
import GrapevineCore
import GrapevineMerge
import Sodium

/// The store's write core: the signed entries in SQLite, the merge core and the
/// mutual-connection graph in memory, and the one way to change them (the transaction, merge,
/// persistence and outbox). Every query is the read model's, ``reader`` (``StoreReader``).
///
/// One writer: every change runs in one `BEGIN IMMEDIATE` transaction on the pool's writer
/// connection, and another process that writes waits on the busy timeout. Readers (other
/// processes, queries) read concurrently thanks to WAL. The in-memory state is rebuilt from the
/// metadata columns by the first transaction or the first read of it (not at open: a command
/// that only queries the tables never pays for it), and again whenever another process has
/// written since (the `generation` counter), so every process merges against what is on disk.
public final class Store: @unchecked Sendable {
    // @unchecked: `core`, `graph` and `generation` are only touched with `lock` held.
    public let path: String
    public let futureToleranceMillis: UInt64
    /// The time given at open, at which a read of the in-memory state before any transaction
    /// rebuilds it (``loadIfNeeded()``): as the open itself used to.
    let openedMillis: UInt64
    let pool: DatabasePool
    let lock = NSLock()
    var core: MergeCore
    var graph = SocialGraph()
    /// The `generation` counter this process's in-memory state reflects; -1 forces a reload.
    var generation: Int64 = -1
    /// The held (id, signature) pairs, for recognising exact duplicates before any verification.
    let held = HeldSignatures()
    /// The merge core's index, digest and count as of the last commit, for readers off the writer.
    let published = PublishedState()

    /// The page cache of each connection: 64 MB (negative sizes are in KiB).
    static let cacheSize = -65536
    /// The writer's page cache while it scans the whole entry table at load: 2 MB.
    static let scanCacheSize = -2048

    /// WAL pages (4 KiB) after which a commit checkpoints.
    static let checkpointPages = 8192

    /// How long a second writer waits for the write lock before giving up.
    public static let busyTimeout: TimeInterval = 30

    /// Opens (creating if needed) the store at `path` and brings its schema up to date. The
    /// in-memory state is rebuilt when first needed.
    public init(
        path: String, physicalMillis: UInt64,
        futureToleranceMillis: UInt64 = HybridLogicalClock.defaultFutureToleranceMillis
    ) throws(StoreError) {
        self.path = path
        self.futureToleranceMillis = futureToleranceMillis
        self.openedMillis = physicalMillis
        self.core = MergeCore(futureToleranceMillis: futureToleranceMillis)
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.prepareDatabase { db in
            // NORMAL in WAL mode: a committed batch survives the process being killed (the crash
            // test); after a power loss the last commits may be missing but the file is sound, and
            // peers re-send what is missing through reconciliation. FULL would fsync every batch.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // B-tree pages are read far more often than written: keep up to 64 MB of them in the
            // process rather than asking the kernel for each one. No mmap: every mapped page a
            // scan touches would count against the node's resident memory.
            try db.execute(sql: "PRAGMA cache_size = \(Self.cacheSize)")
            // Checkpoint once the WAL holds 32 MB rather than 4 MB: a page that several ingest
            // batches dirty is then copied into the database file once, not after every batch.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.checkpointPages)")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try StoreSchema.migrator.migrate(pool)
        } catch {
            throw .from(error, path: path)
        }
    }

    /// Opens the store of a Grapevine home.
    public convenience init(home: GrapevineHome, physicalMillis: UInt64) throws(StoreError) {
        try self.init(path: home.storePath, physicalMillis: physicalMillis)
    }

    // MARK: Writing

    /// The local write path: ticks the persisted clock, signs, merges, stores and queues the entry
    /// for gossip, all in one transaction, so the CLI and the node never issue clashing stamps.
    /// When the entry changes who my mutual connections are (an edge), the grants of my card key
    /// follow in the same transaction (PROTOCOL.md §5.9.5, §5.9.6).
    public func write(_ content: EntryContent, signingKey: Ed25519.SigningKey, physicalMillis: UInt64)
        throws(StoreError) -> SignedEntry
    {
        let me = try author(of: signingKey)
        return try transaction(physicalMillis: physicalMillis) { db, work in
            let entry = try writeLocal(content, signingKey: signingKey, physicalMillis: physicalMillis, db: db, work: &work)
            if case .edge = content {
                _ = try maintain(me, signingKey: signingKey, physicalMillis: physicalMillis, randomness: .system,
                                 db: db, work: &work)
            }
            return entry
        }
    }

    /// One local entry inside a write transaction: tick, sign, merge, store, queue.
    func writeLocal(
        _ content: EntryContent, signingKey: Ed25519.SigningKey, physicalMillis: UInt64, db: Database,
        work: inout MergeWork
    ) throws -> SignedEntry {
        let last = try Int64.fetchOne(db, sql: "SELECT last FROM clock WHERE id = 1") ?? 0
        var clock = HybridLogicalClock(last: HLCStamp(databaseValue: last), futureToleranceMillis: futureToleranceMillis)
        let stamp = clock.tick(physicalMillis: physicalMillis)
        let entry: SignedEntry
        do throws(EntryError) {
            entry = try SignedEntry.sign(content, stamp: stamp, with: signingKey)
        } catch {
            throw StoreError.invalidLocalEntry(error)
        }
        try db.run("UPDATE clock SET last = ? WHERE id = 1", arguments: [stamp.databaseValue])
        let outcome = try merge(entry, db: db, physicalMillis: physicalMillis, work: &work)
        guard outcome == .new || outcome == .quarantined else {
            throw StoreError.localWriteNotRetained("\(outcome)")
        }
        try Self.queueInOutbox(entry.id, db: db)
        return entry
    }

    /// The persistence stage of ingest: merges verified entries in order and commits them in one
    /// transaction. Returns only after the commit, so every outcome it reports is durable.
    public func ingest(_ items: [Result<SignedEntry, EntryError>], physicalMillis: UInt64)
        throws(StoreError) -> IngestBatchResult
    {
        try ingest(items.map { item -> CheckedEntry in
            switch item {
            case .success(let entry): return .verified(entry)
            case .failure(let error): return .rejected(error)
            }
        }, physicalMillis: physicalMillis)
    }

    /// The persistence stage of ingest for checked entries. A batch of nothing but entries the
    /// store already holds runs no transaction at all; a verified entry whose id and signature
    /// are held (an earlier copy in the same batch, or one committed after its check) is a
    /// duplicate without touching SQLite.
    public func ingest(_ items: [CheckedEntry], physicalMillis: UInt64) throws(StoreError) -> IngestBatchResult {
        let start = StoreClock.threadCPUNanos()
        var mergeNanos: UInt64 = 0
        guard items.contains(where: { if case .held = $0 { false } else { true } }) else {
            return IngestBatchResult(outcomes: items.map(\.heldOutcome), mergeNanos: 0, persistNanos: 0)
        }
        let outcomes: [IngestOutcome] = try transaction(physicalMillis: physicalMillis) { db, work in
            var outcomes: [IngestOutcome] = []
            outcomes.reserveCapacity(items.count)
            for item in items {
                switch item {
                case .verified(let entry):
                    if work.held.contains(HeldSignatures.fingerprint(entry.id, signature: entry.signature)) {
                        outcomes.append(IngestOutcome(id: entry.id, outcome: .duplicate))
                        continue
                    }
                    let outcome = try merge(entry, db: db, physicalMillis: physicalMillis, work: &work)
                    outcomes.append(IngestOutcome(id: entry.id, outcome: outcome))
                case .rejected(let error):
                    work.rejections[error.reason, default: 0] += 1
                    outcomes.append(IngestOutcome(id: nil, outcome: .rejected(error.reason)))
                case .held(let id):
                    outcomes.append(IngestOutcome(id: id, outcome: .duplicate))
                }
            }
            mergeNanos = work.mergeNanos
            return outcomes
        }
        let total = StoreClock.threadCPUNanos() - start
        return IngestBatchResult(outcomes: outcomes, mergeNanos: mergeNanos, persistNanos: total - min(total, mergeNanos))
    }

    /// Merges the quarantined entries whose stamps are now within the future tolerance.
    /// Returns the ids that left quarantine. While none is due (as of the last commit) it takes
    /// no lock and runs no transaction: the node calls it on its actor, which must not wait for
    /// the writer's batch; entries another process quarantined come in with the next refresh.
    @discardableResult
    public func releaseDue(physicalMillis: UInt64) throws(StoreError) -> [EntryID] {
        // Once: the node calls this every few hundred milliseconds, and a store whose rebuild
        // fails must not be read from disk again on every call (its next write reports why).
        loadIfNeededForReading()
        guard let due = published.read().nextReleaseMillis, due <= physicalMillis else { return [] }
        return try transaction(physicalMillis: physicalMillis) { db, work in
            try release(db: db, physicalMillis: physicalMillis, work: &work)
        }
    }

    /// Recomputes every derived table from the retained entries.
    public func rebuildDerived() throws(StoreError) {
        try guarded {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try DerivedTables.rebuild(db)
                    return .commit
                }
            }
        }
    }

    /// Brings the in-memory state up to date with writes made by other processes. The counter
    /// every commit bumps is read first through a reader connection, which never waits for the
    /// writer: when no other process has written since this one's last commit, nothing is locked.
    public func refresh(physicalMillis: UInt64) throws(StoreError) {
        let onDisk = try guarded {
            try pool.read { db in try Int64.fetchOne(db, sql: "SELECT value FROM counter WHERE name = 'generation'") ?? 0 }
        }
        guard onDisk != published.read().generation else { return }
        try transaction(physicalMillis: physicalMillis) { _, _ in }
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction with the in-memory state locked and current,
    /// then recomputes search rows, bumps counters and commits. On any failure the in-memory state
    /// is marked stale and rebuilt from disk by the next transaction.
    func transaction<T>(physicalMillis: UInt64, _ body: (Database, inout MergeWork) throws -> T) throws(StoreError) -> T {
        try guarded {
            try pool.writeWithoutTransaction { db in
                lock.lock()
                defer { lock.unlock() }
                var result: T?
                var committedGeneration: Int64 = -1
                var committedHeld: HeldChanges?
                var reloaded = false
                do {
                    try db.inTransaction(.immediate) {
                        var work = MergeWork(held: held)
                        let onDisk = try Int64.fetchOne(db, sql: "SELECT value FROM counter WHERE name = 'generation'") ?? 0
                        if onDisk != generation {
                            try reload(db: db, physicalMillis: physicalMillis, work: &work)
                            reloaded = true
                        }
                        result = try body(db, &work)
                        try finish(db: db, work: work)
                        committedGeneration = onDisk + 1
                        try db.run("UPDATE counter SET value = ? WHERE name = 'generation'",
                                       arguments: [committedGeneration])
                        committedHeld = work.held
                        return .commit
                    }
                } catch {
                    generation = -1
                    throw error
                }
                generation = committedGeneration
                committedHeld?.publish()
                published.publish(&core, generation: committedGeneration, whole: reloaded)
                guard let result else { throw StoreError.database("transaction ended without a result") }
                return result
            }
        }
    }

    func guarded<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    private func finish(db: Database, work: MergeWork) throws {
        for author in work.searchDirty.sorted() {
            try DerivedTables.refreshSearch(db, author: author)
        }
        if work.pruned > 0 {
            try db.run("UPDATE counter SET value = value + ? WHERE name = 'pruned'", arguments: [work.pruned])
        }
        for (reason, count) in work.rejections.sorted(by: { $0.key < $1.key }) {
            try db.run("INSERT INTO rejection (reason, count) VALUES (?, ?) ON CONFLICT(reason) DO UPDATE SET count = count + excluded.count",
                arguments: [reason.rawValue, count])
        }
        if let observed = work.observed {
            // Fold remote stamps into the shared clock so the next local write is later than all of them.
            try db.run("UPDATE clock SET last = ? WHERE id = 1 AND last < ?",
                           arguments: [observed.databaseValue, observed.databaseValue])
        }
    }

    // MARK: Merging

    /// Merges one verified entry and writes what the outcome implies.
    func merge(_ entry: SignedEntry, db: Database, physicalMillis: UInt64, work: inout MergeWork) throws -> MergeOutcome {
        let result = work.timeMerge { core.merge(EntryMeta(entry), physicalMillis: physicalMillis) }
        switch result.outcome {
        case .new:
            work.held.add(HeldSignatures.fingerprint(entry.id, signature: entry.signature))
            try insert(StoredEntry(entry), state: StoredEntry.retainedState, db: db)
            try prune(result.evicted, db: db, work: &work)
            try addDerived(id: entry.id, author: entry.author, stamp: entry.stamp, kind: entry.kind,
                           content: entry.content, db: db, work: &work)
            if entry.stamp.millis <= physicalMillis &+ futureToleranceMillis { work.observe(entry.stamp) }
        case .quarantined:
            work.held.add(HeldSignatures.fingerprint(entry.id, signature: entry.signature))
            try insert(StoredEntry(entry), state: StoredEntry.quarantinedState, db: db)
            try prune(result.evicted, db: db, work: &work)
        case .duplicate:
            // The same (id, signature) pair: a copy that met its first arrival in flight, with
            // nothing to compare. Otherwise keep the smaller signature, so the stored bytes are a
            // function of the union too.
            if work.held.contains(HeldSignatures.fingerprint(entry.id, signature: entry.signature)) { break }
            let stored = try Data.fetchOne(try db.cachedStatement(sql: "SELECT signature FROM entry WHERE id = ?"),
                                           arguments: [entry.id.blob]).map { [UInt8]($0) }
            if let stored, entry.signature.lexicographicallyPrecedes(stored) {
                try db.run("UPDATE entry SET signature = ? WHERE id = ?", arguments: [Data(entry.signature), entry.id.blob])
                work.held.remove(HeldSignatures.fingerprint(entry.id, signature: stored))
                work.held.add(HeldSignatures.fingerprint(entry.id, signature: entry.signature))
            }
        case .superseded:
            work.pruned += 1
            if case .card(let update) = entry.content {
                try remember(author: entry.author, update: update, stamp: entry.stamp, id: entry.id, db: db)
            }
        case .rejected(let reason):
            work.rejections[reason, default: 0] += 1
        }
        return result.outcome
    }

    private func insert(_ entry: StoredEntry, state: Int64, db: Database) throws {
        try db.run("""
                INSERT OR REPLACE INTO entry (id, author, kind, rkey, stamp, body, signature, state)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """) { row in
            row.bind(entry.id)
            row.bind(entry.author)
            row.bind(Int64(entry.kind.rawValue))
            row.bind(entry.replacementKey)
            row.bind(entry.stamp.databaseValue)
            row.bind(entry.body)
            row.bind(entry.signature)
            row.bind(state)
        }
    }

    private func addDerived(
        id: EntryID, author: PublicIdentity, stamp: HLCStamp, kind: EntryKind, content: EntryContent,
        db: Database, work: inout MergeWork
    ) throws {
        if let change = try DerivedTables.add(db, id: id, author: author, stamp: stamp, content: content) {
            graph.apply(change)
        }
        if kind == .card { work.searchDirty.insert(author) }
    }

    /// Deletes entries the core no longer retains, with their derived rows. Superseded card values
    /// go to the local history.
    private func prune(_ ids: [EntryID], db: Database, work: inout MergeWork) throws {
        for id in ids {
            guard let stored = try fetchStored(id, db: db) else { continue }
            let parsed = try stored.parsed()
            if let change = try DerivedTables.remove(db, id: id, author: stored.author, content: parsed.content) {
                graph.apply(change)
            }
            if case .card(let update) = parsed.content {
                work.searchDirty.insert(stored.author)
                try remember(author: stored.author, update: update, stamp: stored.stamp, id: id, db: db)
            }
            try db.run("DELETE FROM entry WHERE id = ?", arguments: [id.blob])
            work.held.remove(HeldSignatures.fingerprint(id, signature: stored.signature))
            work.pruned += 1
        }
    }

    private func release(db: Database, physicalMillis: UInt64, work: inout MergeWork) throws -> [EntryID] {
        var released: [EntryID] = []
        for (meta, result) in core.releaseDue(physicalMillis: physicalMillis) {
            released.append(meta.id)
            try settle(meta.id, outcome: result.outcome, evicted: result.evicted, db: db, work: &work)
        }
        return released
    }

    /// Applies the outcome of merging an entry that was already on disk (at load or release).
    private func settle(_ id: EntryID, outcome: MergeOutcome, evicted: [EntryID], db: Database, work: inout MergeWork) throws {
        switch outcome {
        case .new:
            try db.run("UPDATE entry SET state = ? WHERE id = ? AND state = ?",
                           arguments: [StoredEntry.retainedState, id.blob, StoredEntry.quarantinedState])
            let promoted = db.changesCount > 0
            try prune(evicted, db: db, work: &work)
            if promoted, let stored = try fetchStored(id, db: db) {
                let parsed = try stored.parsed()
                try addDerived(id: id, author: stored.author, stamp: stored.stamp, kind: stored.kind,
                               content: parsed.content, db: db, work: &work)
            }
        case .quarantined, .duplicate:
            try prune(evicted, db: db, work: &work)
        case .superseded, .rejected:
            try prune([id], db: db, work: &work)
        }
    }

    func fetchStored(_ id: EntryID, db: Database) throws -> StoredEntry? {
        guard let row = try Row.fetchOne(
            try db.cachedStatement(sql: "SELECT id, author, kind, rkey, stamp, body, signature FROM entry WHERE id = ?"),
            arguments: [id.blob])
        else { return nil }
        return try DerivedTables.storedEntry(row)
    }

    /// Keeps a superseded card value in the bounded local history.
    private func remember(author: PublicIdentity, update: CardUpdate, stamp: HLCStamp, id: EntryID, db: Database) throws {
        try db.run("INSERT OR IGNORE INTO history (author, field, items, stamp, entry_id, sealed) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [author.blob, update.field, try DerivedTables.itemsJSON(update.values), stamp.databaseValue, id.blob,
                        update.sealed.map { Data($0.bytes) }])
        try db.run("""
                DELETE FROM history WHERE author = ?1 AND field = ?2 AND seq NOT IN (
                    SELECT seq FROM history WHERE author = ?1 AND field = ?2
                    ORDER BY stamp DESC, entry_id DESC LIMIT ?3)
                """,
            arguments: [author.blob, update.field, DerivedTables.historyPerField])
    }

    // MARK: Loading

    /// Rebuilds the merge core from the metadata columns (no signature is re-verified) and the
    /// graph from the `edge` table, then settles entries whose fate changed since they were stored:
    /// quarantined entries now due, and any entry that the current bounds no longer retain.
    private func reload(db: Database, physicalMillis: UInt64, work: inout MergeWork) throws {
        core = MergeCore(futureToleranceMillis: futureToleranceMillis)
        graph = SocialGraph()
        let (retainedRows, quarantinedRows, heldRows) = try readStored(db)
        work.held.reloaded = heldRows
        let (restored, changed) = MergeCore.restore(
            retained: retainedRows, quarantined: quarantinedRows, physicalMillis: physicalMillis,
            futureToleranceMillis: futureToleranceMillis)
        core = restored
        core.journalIndexChanges()
        for item in changed {
            try settle(item.id, outcome: item.result.outcome, evicted: item.result.evicted, db: db, work: &work)
        }
    }

    /// Reads the entries' metadata and builds the graph from the `edge` table. The identities
    /// shared between rows are dropped on return, before the merge core is built.
    private func readStored(_ db: Database) throws -> (retained: [EntryMeta], quarantined: [EntryMeta], held: FingerprintSet) {
        var stored = StoredMetadata()
        // The scans read every page of the entry and edge tables once; kept in the page cache they
        // would only swell the process, so the writer's cache is held small while they run.
        try db.execute(sql: "PRAGMA cache_size = \(Self.scanCacheSize)")
        let metadata: (retained: [EntryMeta], quarantined: [EntryMeta], held: FingerprintSet)
        do {
            metadata = try stored.entries(db)
            try stored.connectedEdges(db) { author, target in
                graph.set(author: author, target: target, connected: true)
            }
        } catch {
            try? db.execute(sql: "PRAGMA cache_size = \(Self.cacheSize)")
            throw error
        }
        try db.execute(sql: "PRAGMA cache_size = \(Self.cacheSize)")
        return metadata
    }
}
