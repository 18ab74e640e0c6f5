import GrapevineWire
import SwiftProtobuf

/// Canonical protobuf decoding: a message is accepted only if encoding it again gives back the
/// exact bytes, which rules out out-of-order or repeated singular fields, non-minimal varints,
/// explicit zero values, and (checked separately) fields this version does not declare.
enum Canonical {
    static func decode<M: Message>(_ type: M.Type, _ bytes: [UInt8], what: String) throws(EntryError) -> M {
        let message: M
        do {
            message = try M(serializedBytes: bytes)
        } catch let error as BinaryDecodingError {
            switch error {
            case .truncated:
                throw EntryError(.truncated, "\(what) ends in the middle of a field")
            case .invalidUTF8:
                throw EntryError(.invalidUTF8, "\(what) has a string that is not valid UTF-8")
            default:
                throw EntryError(.malformed, "\(what) is not a valid protobuf message (\(error))")
            }
        } catch {
            throw EntryError(.malformed, "\(what) is not a valid protobuf message (\(error))")
        }
        guard message.unknownFields.data.isEmpty else {
            throw EntryError(.nonCanonical, "\(what) has a field that protocol v1 does not declare")
        }
        let again: [UInt8]
        do {
            again = try message.serializedBytes()
        } catch {
            throw EntryError(.malformed, "\(what) cannot be re-encoded (\(error))")
        }
        guard again == bytes else {
            throw EntryError(.nonCanonical, "\(what) is not in canonical form")
        }
        return message
    }

    /// Encodes a message built by this node. Messages of our own schema always encode.
    static func encode<M: Message>(_ message: M) throws(EntryError) -> [UInt8] {
        do {
            return try message.serializedBytes()
        } catch {
            throw EntryError(.malformed, "could not encode \(M.protoMessageName): \(error)")
        }
    }
}

/// The `SignedEntry` envelope, written by hand because it is two length-delimited fields.
enum EntryFraming {
    static func encodeSignedEntry(body: [UInt8], signature: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(body.count + signature.count + 8)
        appendLengthDelimited(field: 1, body, to: &out)
        appendLengthDelimited(field: 2, signature, to: &out)
        return out
    }

    static func appendLengthDelimited(field: UInt32, _ bytes: [UInt8], to out: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        appendVarint(UInt64(field << 3 | 2), to: &out)
        appendVarint(UInt64(bytes.count), to: &out)
        out.append(contentsOf: bytes)
    }

    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7f) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }
}
