import GrapevineCore
import GrapevineStore

/// The human sentence for a path, for example
/// `Jennifer → Jeff → Kevin Bacon (2 hops: ask Jeff for an introduction)`, and below it the
/// people it names with their fingerprints.
public enum PathDescription {
    /// `name` gives the name to show for an identity.
    public static func line(_ result: PathResult, name: (PublicIdentity) -> String) -> String {
        guard result.reachable, let hops = result.length else {
            return "no path from \(name(result.from)) to \(name(result.to)) over mutual connections"
        }
        let chain = result.path.map(name).joined(separator: " → ")
        switch hops {
        case 0:
            return "\(chain) (0 hops: the same person)"
        case 1:
            return "\(chain) (1 hop: already connected)"
        default:
            let introducers = result.introducers.isEmpty ? [result.path[1]] : result.introducers
            let ask = orList(introducers.map(name))
            let suffix = hops > 2 && introducers == [result.path[1]] ? " to \(name(result.path[2]))" : ""
            return "\(chain) (\(hops) hops: ask \(ask) for an introduction\(suffix))"
        }
    }

    /// Everyone the sentence names, each once in the order the sentence names them, with the
    /// fingerprint beside the name: a sentence of names alone could be forged by a card's owner.
    public static func people(_ result: PathResult, person: (PublicIdentity) -> ShownPerson) -> [String] {
        var seen: [PublicIdentity] = []
        for identity in (result.path.isEmpty ? [result.from, result.to] : result.path + result.introducers)
        where !seen.contains(identity) {
            seen.append(identity)
        }
        let rows = seen.map(person).map { person in
            [person.shownName, person.fingerprint] + (person.remarks.isEmpty ? [] : [person.remarks])
        }
        return TextTable(rows: rows).lines.map { "  " + $0 }
    }

    static func orList(_ names: [String]) -> String {
        switch names.count {
        case 0: return ""
        case 1: return names[0]
        default: return names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
        }
    }
}
