extension GossipMessage {
    /// The payloads that carry `entries` (encoded `SignedEntry`s, in order) after what `first`
    /// already holds, packed into as few as `budget` bytes each allows. The shell's interpreter
    /// packs an answer with this once it has read the entries (`GossipDirective.sendEntries`);
    /// nothing is sent when `first` is empty and no entry is given.
    public static func entryPayloads(_ entries: [[UInt8]], after first: GossipMessage, budget: Int) -> [[UInt8]] {
        var payloads: [[UInt8]] = []
        var message = first
        var size = message.encoded().count
        for bytes in entries {
            let cost = entrySize(bytes)
            if size + cost > budget, message != GossipMessage() {
                if !message.isEmpty { payloads.append(message.encoded()) }
                message = GossipMessage()
                size = message.encoded().count
            }
            message.entries.append(bytes)
            size += cost
        }
        if !message.isEmpty { payloads.append(message.encoded()) }
        return payloads
    }
}
