// Test helper for the store's crash-safety test: ingests batches of freshly signed entries into
// the store at the given path and prints each entry id (hex) on its own line right after its
// batch commits, so that whatever it printed before being killed was acknowledged.
//
// Usage: store-crash-writer STORE_PATH BATCHES BATCH_SIZE
import Foundation
import GrapevineCore
import GrapevineStore
import Sodium

let arguments = CommandLine.arguments
guard arguments.count == 4, let batches = Int(arguments[2]), let batchSize = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: store-crash-writer STORE_PATH BATCHES BATCH_SIZE\n".utf8))
    exit(2)
}

do {
    let store = try Store(path: arguments[1], physicalMillis: StoreClock.nowMillis())
    let ingestor = Ingestor(store: store)
    let now = StoreClock.nowMillis()
    for batch in 0..<batches {
        // A new author per batch keeps every author far below its edge bound, so nothing acknowledged is pruned.
        let signer = Ed25519.SigningKey.generate().key
        var encoded: [[UInt8]] = []
        for i in 0..<batchSize {
            // A connection to a new random identity each time: every entry is a new winner.
            guard let target = PublicIdentity(bytes: Sodium.randomBytes(32)) else { continue }
            let stamp = HLCStamp(millis: now, counter: UInt16(truncatingIfNeeded: batch * batchSize + i))
            let entry = try SignedEntry.sign(.edge(EdgeInfo(target: target, state: .connected)), stamp: stamp, with: signer)
            encoded.append(entry.encoded)
        }
        let outcomes = try ingestor.ingest(encoded, physicalMillis: StoreClock.nowMillis())
        var lines = ""
        for outcome in outcomes where outcome.outcome == .new {
            if let id = outcome.id { lines += id.hex + "\n" }
        }
        // One unbuffered write(2) per batch: a kill can cut it short, but never loses a printed line.
        FileHandle.standardOutput.write(Data(lines.utf8))
    }
} catch {
    FileHandle.standardError.write(Data("store-crash-writer: \(error)\n".utf8))
    exit(1)
}
