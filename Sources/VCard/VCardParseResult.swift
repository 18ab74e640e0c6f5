/// The cards read from a file and the problems worked around while reading it.
///
/// Warnings are returned rather than logged so that a caller such as `grapevine card import`
/// can show them next to what it imported.
public struct VCardParseResult: Sendable, Hashable {
    /// The cards in file order.
    public var cards: [VCard]
    /// The problems in file order; empty for a clean file.
    public var warnings: [VCardWarning]

    public init(cards: [VCard], warnings: [VCardWarning]) {
        self.cards = cards
        self.warnings = warnings
    }
}
