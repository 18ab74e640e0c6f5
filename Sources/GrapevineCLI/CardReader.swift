import GrapevineCore
import GrapevineStore

/// Opens the connections-only fields of a card with the keys this node holds for its author: mine
/// for my own card, and for anyone else's, the keys their grants to me held (PROTOCOL.md §5.9.3).
/// Nothing opened is written anywhere; it lives only in the result.
extension HomeSession {
    /// `identity`'s card with each sealed value opened where a key allows: readable ones carry
    /// their values, the rest are marked private (no key of that id) or unreadable (the key does
    /// not open it).
    public func openCard(_ identity: PublicIdentity) throws -> CardDetail {
        var card = try reader.card(identity)
        guard card.fields.contains(where: { $0.visibility == .connections || $0.superseded.contains { $0.sealed != nil } })
        else { return card }
        let keys = try cardKeys(for: identity)
        for index in card.fields.indices {
            let field = card.fields[index].field
            if let sealed = card.fields[index].sealed {
                let (values, access) = Self.open(sealed, field: field, author: identity, keys: keys)
                card.fields[index].values = values
                card.fields[index].access = access
            }
            for old in card.fields[index].superseded.indices {
                guard let sealed = card.fields[index].superseded[old].sealed else { continue }
                let (values, access) = Self.open(sealed, field: field, author: identity, keys: keys)
                card.fields[index].superseded[old].values = values
                card.fields[index].superseded[old].access = access
            }
        }
        return card
    }

    /// The keys for `identity`'s sealed fields, after remembering any newly granted to me, so a
    /// value read now stays readable after the author rotates. Remembering is best effort: on a
    /// read-only store the keys the grants hold are still used.
    func cardKeys(for identity: PublicIdentity) throws -> [CardKey] {
        if identity != me, (try? reader.hasUnlearntGrant(to: key)) == true {
            _ = try? store.learnGrantedKeys(signingKey: key, physicalMillis: context.physicalMillis())
        }
        return try reader.cardKeys(for: identity, signingKey: key)
    }

    static func open(_ sealed: SealedValue, field: String, author: PublicIdentity, keys: [CardKey])
        -> (values: [CardItem], access: FieldAccess)
    {
        guard let key = keys.first(where: { $0.id == sealed.keyID }) else { return ([], .private) }
        guard let items = CardSealing.open(sealed, field: field, author: author, key: key) else { return ([], .unreadable) }
        return (items, .readable)
    }
}

extension HomeSession {
    /// Contact rows with the connections-only fields I can read filled in, and the count of those
    /// I cannot.
    public func openSummaries(_ summaries: [ContactSummary]) throws -> [ContactSummary] {
        let sealed = try reader.sealedFieldCounts()
        return try summaries.map { summary in
            guard sealed[summary.identity] != nil else { return summary }
            let card = try openCard(summary.identity)
            var opened = summary
            func value(_ field: String) -> String? {
                card.fields.first { $0.field == field && $0.access == .readable }?.values.map(\.value).joined(separator: "; ")
            }
            opened.name = value("fn") ?? (summary.name.isEmpty ? value("n") ?? "" : summary.name)
            opened.org = value("org") ?? summary.org
            opened.title = value("title") ?? summary.title
            opened.locality = value("locality") ?? summary.locality
            opened.privateFields = card.fields.filter { $0.access == .private || $0.access == .unreadable }.count
            return opened
        }
    }
}
