/// Groups checked datagrams into commits, on a monotonic clock the caller reads: a batch closes
/// `windowNanos` after its first datagram arrived, or once it holds `maxEntries` entries, so a
/// burst costs one transaction per batch rather than one per datagram. Pure: no clock, no thread.
///
/// Past its window, a batch still waits for the datagrams that are being checked when it would
/// close (up to `maxEntries`): a commit rewrites every B-tree page its entries touch, about four
/// pages an entry when it holds 80 entries and one when it holds thousands, so on a busy core a
/// batch cut at the window by the clock alone costs twice the persisting per entry, and the
/// copies of those pages in the WAL bring its checkpoints ten times as often. An idle core has
/// nothing being checked, and its batches close on the window as before.
public struct IngestBatcher<Tag: Sendable>: Sendable {
    /// One datagram's checked entries, with what the caller needs to hear about them.
    public struct Submission: Sendable {
        public var tag: Tag
        public var items: [CheckedEntry]
    }

    public let windowNanos: UInt64
    public let maxEntries: Int
    private var open: [Submission] = []
    private var openedAt: UInt64?
    public private(set) var entryCount = 0

    public init(windowNanos: UInt64, maxEntries: Int) {
        self.windowNanos = windowNanos
        self.maxEntries = max(1, maxEntries)
    }

    public var isEmpty: Bool { open.isEmpty }

    /// When the open batch closes on time, if one is open.
    public var deadline: UInt64? { openedAt.map { $0 &+ windowNanos } }

    public mutating func add(_ items: [CheckedEntry], tag: Tag, now: UInt64) {
        if openedAt == nil { openedAt = now }
        open.append(Submission(tag: tag, items: items))
        entryCount += items.count
    }

    /// The batch to commit now: full, past its deadline with nothing more being checked that
    /// would join it (`checking` counts the datagrams whose check has not finished), or any open
    /// one when `force` is set.
    public mutating func close(now: UInt64, checking: Int, force: Bool = false) -> [Submission]? {
        guard let deadline, !open.isEmpty else { return nil }
        guard force || entryCount >= maxEntries || (now >= deadline && checking == 0) else { return nil }
        let batch = open
        open = []
        openedAt = nil
        entryCount = 0
        return batch
    }
}
