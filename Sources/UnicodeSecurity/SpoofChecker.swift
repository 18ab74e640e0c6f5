internal import CICUSpoof

/// ICU could not open its spoof checker (for example, its data is missing).
public struct SpoofCheckerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// ICU's `UErrorCode`.
    public var code: Int32

    public var description: String {
        "ICU's spoof checker failed to open (error \(code)): reinstall ICU (Debian: libicu72)"
    }
}

/// The two UTS #39 checks that names need, by ICU's spoof checker: the confusable skeleton
/// (strings that look alike, such as "Jeff" and "Jеff" with a Cyrillic е, have equal skeletons)
/// and whether a string mixes scripts more than one writing system does (Latin with Han and kana
/// passes, Latin with Cyrillic does not: UTS #39's "highly restrictive" level).
public final class SpoofChecker: @unchecked Sendable {
    // @unchecked: `checker` is configured in init and only read afterwards; ICU documents the
    // check and skeleton functions of a configured checker as safe to call from any thread.
    private let checker: OpaquePointer

    public init() throws(SpoofCheckerError) {
        var error: Int32 = 0
        guard let checker = gv_spoof_open(&error) else { throw SpoofCheckerError(code: error) }
        self.checker = checker
    }

    deinit {
        gv_spoof_close(checker)
    }

    /// The UTS #39 skeleton of `text`; nil only if ICU fails on it.
    public func skeleton(_ text: String) -> String? {
        let source = Array(text.utf8CString)
        let length = Int32(source.count - 1)
        var capacity = 4 * Int(length) + 16
        while true {
            var output = [CChar](repeating: 0, count: capacity)
            let written = Int(gv_spoof_skeleton(checker, source, length, &output, Int32(capacity)))
            guard written >= 0 else { return nil }
            if written < capacity {
                return String(decoding: output[..<written].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            capacity = written + 1
        }
    }

    /// Whether `text` mixes scripts beyond UTS #39's highly restrictive level; false if ICU fails on it.
    public func mixesScripts(_ text: String) -> Bool {
        let source = Array(text.utf8CString)
        return gv_spoof_mixes_scripts(checker, source, Int32(source.count - 1)) == 1
    }
}
