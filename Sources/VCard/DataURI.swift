import Foundation

/// A `data:` URI (RFC 2397), the form vCard 4.0 uses for an inline `PHOTO`, `LOGO` or `KEY`.
///
/// vCard 2.1 and 3.0 carry the same bytes as `ENCODING=b` base64 with a `TYPE` such as `JPEG`;
/// the parser turns those into data URIs and the 3.0 writer turns them back.
struct DataURI {
    var mediaType: String
    var bytes: [UInt8]
    /// The base64 text exactly as in the URI, when it was base64.
    var base64: String?

    init(mediaType: String, bytes: [UInt8]) {
        self.mediaType = mediaType
        self.bytes = bytes
        self.base64 = Data(bytes).base64EncodedString()
    }

    init?(_ uri: String) {
        guard uri.count > 5, uri.prefix(5).lowercased() == "data:",
              let comma = uri.firstIndex(of: ",") else { return nil }
        let header = uri[uri.index(uri.startIndex, offsetBy: 5)..<comma]
        let payload = String(uri[uri.index(after: comma)...])
        let parts = header.split(separator: ";", omittingEmptySubsequences: false)
        let isBase64 = parts.dropFirst().contains { $0.lowercased() == "base64" }
        mediaType = parts.first.map(String.init).flatMap { $0.isEmpty ? nil : $0 }
            ?? "text/plain"
        if isBase64 {
            guard let data = Data(base64Encoded: payload) else { return nil }
            bytes = [UInt8](data)
            base64 = payload
        } else {
            bytes = Array((payload.removingPercentEncoding ?? payload).utf8)
            base64 = nil
        }
    }

    var uri: String {
        "data:\(mediaType);base64,\(base64 ?? Data(bytes).base64EncodedString())"
    }

    /// The media type for a 2.1 or 3.0 `TYPE` token such as `JPEG` on a binary property.
    static func mediaType(forTypeToken token: String?, property: String) -> String {
        let lower = (token ?? "").lowercased()
        if lower.contains("/") { return lower }
        switch property {
        case "PHOTO", "LOGO":
            switch lower {
            case "": return "image/jpeg"
            case "jpg": return "image/jpeg"
            case "tif": return "image/tiff"
            default: return "image/\(lower)"
            }
        case "SOUND":
            switch lower {
            case "": return "audio/basic"
            case "wave": return "audio/wav"
            default: return "audio/\(lower)"
            }
        case "KEY":
            switch lower {
            case "pgp", "gpg": return "application/pgp-keys"
            case "x509": return "application/pkix-cert"
            default: return "application/octet-stream"
            }
        default:
            return "application/octet-stream"
        }
    }

    /// The inverse of `mediaType(forTypeToken:property:)`, the `TYPE` a 3.0 client expects.
    static func typeToken(forMediaType mediaType: String) -> String {
        switch mediaType.lowercased() {
        case "application/pgp-keys": return "PGP"
        case "application/pkix-cert": return "X509"
        default:
            return String(mediaType.split(separator: "/").last ?? Substring(mediaType)).uppercased()
        }
    }
}
