import Foundation
import GrapevineCore
import GrapevineStore
import TestKit
import Testing

@Suite struct CrashSafetyTests {
    @Test func everyAcknowledgedEntrySurvivesSIGKILLMidIngest() throws {
        guard let writer = BuiltExecutable.find("store-crash-writer") else {
            Issue.record("store-crash-writer was not built next to the tests (\(CommandLine.arguments[0]))")
            return
        }
        let dir = try StoreFixtures.temporaryDirectory()
        let storePath = dir + "/store.sqlite"
        let output = Pipe()
        let process = try ProcessRunner.start(writer, [storePath, "100000", "200"], output: output)

        // Let it acknowledge a few batches, then kill it without warning in the middle of the next ones.
        var received = Data()
        let handle = output.fileHandleForReading
        let deadline = Date().addingTimeInterval(60)
        while received.count(where: { $0 == UInt8(ascii: "\n") }) < 1_000, Date() < deadline {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            received.append(chunk)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        received.append(handle.readDataToEndOfFile())
        #expect(process.terminationReason == .uncaughtSignal)

        // Only complete lines were acknowledged.
        let text = String(decoding: received, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()
        let acknowledged = lines.compactMap { Hex.decode(String($0)).flatMap { EntryID(bytes: $0) } }
        #expect(acknowledged.count == lines.count)
        #expect(acknowledged.count >= 1_000)

        let store = try Store(path: storePath, physicalMillis: StoreClock.nowMillis())
        #expect(try store.reader.integrityCheck() == "ok")
        var missing = 0
        for id in acknowledged where try !store.reader.contains(id) { missing += 1 }
        #expect(missing == 0, "\(missing) of \(acknowledged.count) acknowledged entries are missing")
    }
}
