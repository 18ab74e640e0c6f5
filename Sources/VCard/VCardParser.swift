import Foundation

/// Reads vCard 2.1, 3.0 and 4.0 files as real clients write them.
///
/// Leniency policy: the parser never traps and, by default, never gives up on a file because of
/// one bad line. A line it cannot read is skipped, a value it can repair is repaired, and each
/// case is reported as a `VCardWarning` with its line number. It throws only when the file holds
/// no vCard at all, or, with `Options.strict`, at the first problem.
///
/// Besides unescaping, the parser normalizes what differs between versions only in spelling,
/// so that the same contact compares equal whichever client wrote it:
/// - quoted-printable and `CHARSET` are decoded, and their parameters dropped;
/// - inline base64 (`ENCODING=b`, `ENCODING=BASE64`) becomes a `data:` URI, its `TYPE=JPEG`
///   becoming the media type;
/// - bare 2.1 parameters become `TYPE`, `ENCODING` or `VALUE`; `TYPE` values are lower-cased and
///   split; `TYPE=pref` becomes `PREF=1`;
/// - escaping is made canonical for the property's kind, `N` gets its 5 fields and `ADR` its 7;
/// - dates use the basic format; a 3.0 `GEO:lat;lon` becomes `geo:lat,lon`; a 3.0 `UID` that
///   is not a URI gets `VALUE=text`.
public struct VCardParser: Sendable {
    public struct Options: Sendable, Hashable {
        /// Throw `VCardParseError.malformed` at the first problem instead of working around it.
        public var strict: Bool

        public init(strict: Bool = false) {
            self.strict = strict
        }
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Parses a file's bytes; a UTF-8 or UTF-16 byte order mark is honoured.
    public func parse(_ data: Data) throws(VCardParseError) -> VCardParseResult {
        try parse(bytes: Self.utf8Bytes(of: [UInt8](data)))
    }

    /// Parses text already decoded; a leading byte order mark is ignored.
    public func parse(_ text: String) throws(VCardParseError) -> VCardParseResult {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        return try parse(bytes: bytes)
    }

    private func parse(bytes: [UInt8]) throws(VCardParseError) -> VCardParseResult {
        var warnings: [VCardWarning] = []
        var cards: [VCard] = []
        var current: [ContentLine]?
        var beginLine = 0
        var nestedDepth = 0
        var sawBegin = false

        for logical in ContentLineReader.logicalLines(bytes) {
            switch ContentLine.parse(logical) {
            case .malformed(let kind):
                if nestedDepth == 0 {
                    let reported: VCardWarning.Kind = current == nil ? .lineOutsideCard : kind
                    warnings.append(VCardWarning(line: logical.lineNumber, kind: reported))
                }
            case .line(let line):
                if line.isBegin {
                    sawBegin = true
                    if current == nil {
                        current = []
                        beginLine = line.lineNumber
                    } else {
                        if nestedDepth == 0 {
                            warnings.append(VCardWarning(line: line.lineNumber, kind: .nestedCard))
                        }
                        nestedDepth += 1
                    }
                } else if line.isEnd {
                    if nestedDepth > 0 {
                        nestedDepth -= 1
                    } else if let lines = current {
                        cards.append(card(from: lines, beginLine: beginLine, warnings: &warnings))
                        current = nil
                    } else {
                        warnings.append(VCardWarning(line: line.lineNumber, kind: .lineOutsideCard))
                    }
                } else if nestedDepth == 0 {
                    if current != nil {
                        current?.append(line)
                    } else {
                        warnings.append(VCardWarning(line: line.lineNumber, kind: .lineOutsideCard))
                    }
                }
            }
        }
        if let lines = current {
            warnings.append(VCardWarning(line: beginLine, kind: .missingEnd))
            cards.append(card(from: lines, beginLine: beginLine, warnings: &warnings))
        }
        guard sawBegin else { throw .noVCard }
        warnings.sort { $0.line < $1.line }
        if options.strict, let first = warnings.first { throw .malformed(first) }
        return VCardParseResult(cards: cards, warnings: warnings)
    }

    private func card(from lines: [ContentLine], beginLine: Int,
                      warnings: inout [VCardWarning]) -> VCard {
        let version: VCardVersion
        if let versionLine = lines.first(where: { $0.name == "VERSION" }) {
            let text = String(decoding: versionLine.value, as: UTF8.self).trimmed()
            if let known = VCardVersion(rawValue: text) {
                version = known
            } else {
                warnings.append(VCardWarning(line: versionLine.lineNumber,
                                             kind: .unsupportedVersion(text)))
                let number = Double(text) ?? 3
                version = number < 3 ? .v2_1 : (number < 4 ? .v3_0 : .v4_0)
            }
        } else {
            warnings.append(VCardWarning(line: beginLine, kind: .missingVersion))
            version = .v3_0
        }
        var properties: [VCardProperty] = []
        for line in lines where line.name != "VERSION" {
            if let property = property(from: line, version: version, warnings: &warnings) {
                properties.append(property)
            }
        }
        return VCard(version: version, properties: properties)
    }

    private func property(from line: ContentLine, version: VCardVersion,
                          warnings: inout [VCardWarning]) -> VCardProperty? {
        let parsed = VCardParameters.parse(line.parameterTokens, version: version)
        var parameters = parsed.parameters
        let encoding = parameters.removeValue(forKey: "ENCODING")?.first?.uppercased()
        let charset = parameters.removeValue(forKey: "CHARSET")?.first
        func warn(_ kind: VCardWarning.Kind) {
            warnings.append(VCardWarning(line: line.lineNumber, kind: kind))
        }
        for token in parsed.invalid { warn(.invalidParameter(token, property: line.name)) }

        if encoding == "B" || encoding == "BASE64" {
            let text = String(decoding: line.value.filter { $0 > 0x20 }, as: UTF8.self)
            guard let data = Data(base64Encoded: Self.padded(text)) else {
                warn(.invalidBase64(property: line.name))
                return nil
            }
            var types = parameters["TYPE"] ?? []
            let mediaType: String
            if let declared = parameters.removeValue(forKey: "MEDIATYPE")?.first {
                mediaType = declared
            } else {
                mediaType = DataURI.mediaType(forTypeToken: types.first, property: line.name)
                if !types.isEmpty { types.removeFirst() }
            }
            parameters["TYPE"] = types.isEmpty ? nil : types
            parameters["VALUE"] = nil
            let uri = DataURI(mediaType: mediaType, bytes: [UInt8](data)).uri
            return VCardProperty(group: line.group, name: line.name, parameters: parameters,
                                 rawValue: uri)
        }

        var bytes = line.value
        if encoding == "QUOTED-PRINTABLE" {
            let decoded = QuotedPrintable.decode(bytes)
            if !decoded.isWellFormed { warn(.invalidQuotedPrintable(property: line.name)) }
            bytes = decoded.bytes
        }
        let decoded = CharsetDecoder.decode(bytes, charset: charset)
        switch decoded.problem {
        case .unknownCharset(let name)?: warn(.unknownCharset(name, property: line.name))
        case .notUTF8?: warn(.notUTF8(property: line.name))
        case nil: break
        }
        var text = decoded.text

        if version != .v4_0 {
            if line.name == "UID", parameters["VALUE"] == nil, !Self.looksLikeURI(text) {
                parameters["VALUE"] = ["text"]
            }
            if line.name == "GEO", parameters["VALUE"] == nil {
                let parts = text.split(separator: ";").map { $0.trimmed() }
                if parts.count == 2, parts.allSatisfy({ Double($0) != nil }) {
                    text = "geo:\(parts[0]),\(parts[1])"
                }
            }
        }
        let kind = VCardValueKind.of(propertyName: line.name,
                                     valueParameter: parameters["VALUE"]?.first)
        let raw = Self.canonical(text, kind: kind, name: line.name, version: version)
        return VCardProperty(group: line.group, name: line.name, parameters: parameters,
                             rawValue: raw)
    }

    /// The value re-escaped canonically for its kind, so that equal values compare equal.
    static func canonical(_ text: String, kind: VCardValueKind, name: String,
                          version: VCardVersion) -> String {
        switch kind {
        case .text:
            return VCardEscaping.escapeText(VCardEscaping.unescape(text))
        case .textList:
            return VCardEscaping.split(text, on: ",")
                .map { VCardEscaping.escapeText(VCardEscaping.unescape($0)) }
                .joined(separator: ",")
        case .structured:
            // Only N and ADR have comma lists inside fields, and 2.1 has no comma lists at all.
            let hasLists = (name == "N" || name == "ADR") && version != .v2_1
            var fields = VCardEscaping.split(text, on: ";").map { field in
                hasLists ? VCardEscaping.split(field, on: ",").map(VCardEscaping.unescape)
                         : [VCardEscaping.unescape(field)]
            }
            let size = name == "N" ? 5 : (name == "ADR" ? 7 : 0)
            while fields.count < size { fields.append([""]) }
            return VCardEscaping.joinStructured(fields)
        case .uri:
            return VCardEscaping.unescape(text).filter { $0 != "\r" && $0 != "\n" && $0 != "\r\n" }
                .trimmed()
        case .dateAndOrTime, .timestamp:
            return DateValue.basic(text.trimmed())
        case .languageTag:
            return text.trimmed()
        case .unknown:
            return VCardEscaping.escapeLineBreaks(text)
        }
    }

    private static func looksLikeURI(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":"), colon > text.startIndex else { return false }
        let scheme = text[..<colon]
        return scheme.first?.isLetter == true && scheme.allSatisfy {
            $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".")
        }
    }

    private static func padded(_ base64: String) -> String {
        let remainder = base64.utf8.count % 4
        return remainder == 0 ? base64 : base64 + String(repeating: "=", count: 4 - remainder)
    }

    /// The input as UTF-8-compatible bytes: a UTF-8 byte order mark is dropped and UTF-16 text
    /// (which some Windows tools write) is converted; other bytes stay as they are, since a 2.1
    /// file may mix charsets per property.
    static func utf8Bytes(of bytes: [UInt8]) -> [UInt8] {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return Array(bytes.dropFirst(3)) }
        let encoding: String.Encoding?
        if bytes.starts(with: [0xFF, 0xFE]) || (bytes.count > 1 && bytes[0] != 0 && bytes[1] == 0) {
            encoding = .utf16LittleEndian
        } else if bytes.starts(with: [0xFE, 0xFF]) || (bytes.count > 1 && bytes[0] == 0 && bytes[1] != 0) {
            encoding = .utf16BigEndian
        } else {
            encoding = nil
        }
        guard let encoding else { return bytes }
        var body = bytes
        if body.starts(with: [0xFF, 0xFE]) || body.starts(with: [0xFE, 0xFF]) { body.removeFirst(2) }
        guard let text = String(data: Data(body), encoding: encoding) else { return bytes }
        return Array(text.utf8)
    }
}
