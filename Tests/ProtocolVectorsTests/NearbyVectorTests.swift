import Discovery
import Foundation
import GrapevineCore
import GrapevineVectors
import Testing

/// `nearby.json` against the receiving checks of PROTOCOL.md §17.3.
@Suite("Protocol vectors: discovery announcements")
struct NearbyVectorTests {
    @Test("every announcement vector gets its stated verdict from a receiver that heard nothing before")
    func verdicts() throws {
        let url = VectorTests.directory.appendingPathComponent("nearby.json")
        let file = try VectorJSON.decode(NearbyVectorFile.self, from: Data(contentsOf: url))
        #expect(file.freshnessMs == AnnouncementFilter.Limits().freshnessMillis)
        #expect(file.vectors.count >= 10)
        for v in file.vectors {
            let receiver = try PublicIdentity(parsing: v.receiver)
            var filter = AnnouncementFilter(own: receiver, nowMillis: v.nowMs)
            let bytes = try #require(Hex.decode(v.announcement))
            switch filter.check(bytes, sourceHost: [198, 18, 0, 2], nowMillis: v.nowMs) {
            case .success(let entry):
                #expect(v.dropped == nil, "\(v.name) was accepted")
                #expect(entry.author.text == v.author, "\(v.name)")
                #expect(Hex.encode(entry.encoded) == v.entry, "\(v.name)")
            case .failure(let reason):
                #expect(reason.rawValue == v.dropped, "\(v.name)")
            }
        }
    }
}
