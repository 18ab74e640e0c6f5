import Foundation
import GRDB
import GrapevineCore
import Sodium

/// One of my card fields as my own node reads it: sealed ones opened with my keys.
public struct OwnField: Sendable, Equatable {
    public var values: [CardItem]
    public var visibility: FieldVisibility

    public init(values: [CardItem], visibility: FieldVisibility) {
        self.values = values
        self.visibility = visibility
    }
}

/// A card field to write: its values (none clears it) and who may read them.
public struct FieldEdit: Sendable, Equatable {
    public var field: String
    public var values: [CardItem]
    public var visibility: FieldVisibility

    public init(field: String, values: [CardItem], visibility: FieldVisibility) {
        self.field = field
        self.values = values
        self.visibility = visibility
    }
}

/// The private-fields side of the local write path (PROTOCOL.md §5.9): sealing my connections-only
/// fields, and keeping my grants in step with my mutual connections, inside the same write
/// transaction as the edit that changes them.
extension Store {
    /// Edits my card from what it holds now, sealed fields opened: `decide` returns the fields to
    /// write with their visibility. Connections-only values are sealed under my current card key
    /// (made, and granted to every mutual connection, the first time); then the grants are brought
    /// in step (``CardKeyPlanner/maintain(_:randomness:)``). All in one transaction.
    public func editCard<Failure: Error>(
        signingKey: Ed25519.SigningKey, physicalMillis: UInt64, randomness: CardKeyPlanner.CardRandomness = .system,
        deciding decide: (_ current: [String: OwnField]) throws(Failure) -> [FieldEdit]
    ) throws -> [SignedEntry] {
        let me = try author(of: signingKey)
        var refusal: Failure?
        let entries: [SignedEntry] = try transaction(physicalMillis: physicalMillis) { db, work in
            let current = try ownCard(me, db: db)
            let edits: [FieldEdit]
            do throws(Failure) {
                edits = try decide(current)
            } catch {
                refusal = error
                return []
            }
            var written: [SignedEntry] = []
            for edit in edits {
                guard edit.visibility == .connections, !edit.values.isEmpty else {
                    let content = EntryContent.card(CardUpdate(field: edit.field, values: edit.values))
                    written.append(try writeLocal(content, signingKey: signingKey, physicalMillis: physicalMillis,
                                                  db: db, work: &work))
                    continue
                }
                let plan = try CardKeyPlanner.seal(edit.values, field: edit.field,
                                                   state: try plannerState(me, db: db), randomness: randomness)
                written += try apply(plan, me: me, signingKey: signingKey, physicalMillis: physicalMillis, db: db, work: &work)
            }
            return written + (try maintain(me, signingKey: signingKey, physicalMillis: physicalMillis, randomness: randomness,
                                           db: db, work: &work))
        }
        if let refusal { throw refusal }
        return entries
    }

    /// Brings my grants in step with my mutual connections (the node calls this when someone's
    /// edge to me changes, and at start). Writes nothing when they already are.
    @discardableResult
    public func maintainGrants(
        signingKey: Ed25519.SigningKey, physicalMillis: UInt64, randomness: CardKeyPlanner.CardRandomness = .system
    ) throws -> [SignedEntry] {
        let me = try author(of: signingKey)
        return try transaction(physicalMillis: physicalMillis) { db, work in
            try maintain(me, signingKey: signingKey, physicalMillis: physicalMillis, randomness: randomness, db: db, work: &work)
        }
    }

    /// Opens every grant addressed to me whose key I do not hold yet and remembers the key, so
    /// that values sealed under it stay readable after the author rotates. Returns how many it learnt.
    @discardableResult
    public func learnGrantedKeys(signingKey: Ed25519.SigningKey, physicalMillis: UInt64) throws -> Int {
        let me = try author(of: signingKey)
        return try transaction(physicalMillis: physicalMillis) { db, _ in
            var learnt = 0
            for (author, grant) in try CardKeyTable.grants(to: me, db: db) {
                guard try !CardKeyTable.keys(of: author, db: db).contains(where: { $0.id == grant.keyID }),
                      let key = CardSealing.openGrant(grant, as: signingKey)
                else { continue }
                try CardKeyTable.remember(key, of: author, db: db)
                learnt += 1
            }
            return learnt
        }
    }

    // MARK: Inside the write transaction

    func ownCard(_ me: PublicIdentity, db: Database) throws -> [String: OwnField] {
        var card: [String: OwnField] = [:]
        for (field, items) in try CardRows.cardItems(of: me, db: db) {
            card[field] = OwnField(values: items, visibility: .public)
        }
        for (field, values) in try CardKeyTable.openedFields(of: me, keys: try CardKeyTable.keys(of: me, db: db), db: db) {
            card[field] = OwnField(values: values, visibility: .connections)
        }
        return card
    }

    private func plannerState(_ me: PublicIdentity, db: Database) throws -> CardKeyPlanner.State {
        let keys = try CardKeyTable.keys(of: me, db: db)
        return CardKeyPlanner.State(
            me: me, currentKey: keys.first, mutual: graph.mutualConnections(of: me),
            grants: try CardKeyTable.grants(by: me, db: db),
            sealedFields: try CardKeyTable.openedFields(of: me, keys: keys, db: db))
    }

    func maintain(
        _ me: PublicIdentity, signingKey: Ed25519.SigningKey, physicalMillis: UInt64,
        randomness: CardKeyPlanner.CardRandomness, db: Database, work: inout MergeWork
    ) throws -> [SignedEntry] {
        let plan = try CardKeyPlanner.maintain(try plannerState(me, db: db), randomness: randomness)
        return try apply(plan, me: me, signingKey: signingKey, physicalMillis: physicalMillis, db: db, work: &work)
    }

    private func apply(
        _ plan: CardKeyPlanner.Plan, me: PublicIdentity, signingKey: Ed25519.SigningKey, physicalMillis: UInt64,
        db: Database, work: inout MergeWork
    ) throws -> [SignedEntry] {
        if let key = plan.newKey { try CardKeyTable.remember(key, of: me, db: db) }
        return try plan.contents.map { content in
            try writeLocal(content, signingKey: signingKey, physicalMillis: physicalMillis, db: db, work: &work)
        }
    }

    func author(of signingKey: Ed25519.SigningKey) throws(StoreError) -> PublicIdentity {
        guard let me = PublicIdentity(bytes: signingKey.publicKey) else {
            throw StoreError.database("the signing key has no valid public key")
        }
        return me
    }
}
