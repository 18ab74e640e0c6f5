// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Grapevine",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "GrapevineCore", targets: ["GrapevineCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
    ],
    targets: [
        // libsodium, found with pkg-config (Debian: libsodium-dev).
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        // A small typed wrapper: no pointers or sizes leak out of it.
        .target(name: "Sodium", dependencies: ["CSodium"]),
        // Code generated from Protocol/grapevine.proto by scripts/generate-protos. Never edited by hand.
        .target(
            name: "GrapevineWire",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        // The pure core: identities, the hybrid logical clock, signed entries and their limits.
        .target(
            name: "GrapevineCore",
            dependencies: [
                "Sodium", "GrapevineWire",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        // The pure merge core: last-writer-wins, per-author bounds, quarantine, reconciliation index.
        .target(name: "GrapevineMerge", dependencies: ["GrapevineCore", "Sodium"]),
        .testTarget(name: "GrapevineMergeTests", dependencies: ["GrapevineMerge", "GrapevineCore", "Sodium"]),
        // Sealed datagrams: the header, crypto_box under X25519 keys derived from identities, replay
        // windows, rate limits. Pure: the node shell feeds it bytes and a clock.
        .target(name: "SealedDatagrams", dependencies: ["GrapevineCore", "Sodium"]),
        .testTarget(name: "SealedDatagramsTests", dependencies: ["SealedDatagrams", "GrapevineCore", "Sodium"]),
        // The sans-IO gossip engine: SWIM/Lifeguard membership, dissemination, range-based reconciliation.
        .target(
            name: "GossipEngine",
            dependencies: [
                "GrapevineCore", "GrapevineMerge", "GrapevineWire", "Sodium",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        // A deterministic in-process network of GossipEngine nodes on virtual time, with real merge cores.
        .target(name: "GossipSimulator", dependencies: ["GossipEngine", "GrapevineCore", "GrapevineMerge", "Sodium"]),
        .testTarget(
            name: "GossipEngineTests",
            dependencies: ["GossipEngine", "GossipSimulator", "GrapevineCore", "GrapevineMerge", "GrapevineWire", "Sodium"]
        ),
        // libFuzzer target for the gossip payload and reconciliation frame decoders (scripts/fuzz).
        .executableTarget(name: "fuzz-frame-decoder", dependencies: ["GossipEngine"]),
        // The test vectors of Protocol/vectors/: their file format and the generator from fixed seeds.
        .target(name: "GrapevineVectors", dependencies: ["GrapevineCore", "GrapevineMerge", "GrapevineWire", "SealedDatagrams", "Sodium"]),
        .executableTarget(name: "grapevine-vectors", dependencies: ["GrapevineVectors"]),
        .testTarget(
            name: "ProtocolVectorsTests",
            dependencies: ["GrapevineVectors", "GrapevineCore", "GrapevineMerge", "SealedDatagrams", "Sodium"]
        ),
        // libFuzzer target for the entry decoder (scripts/fuzz); a normal build replays files instead.
        .executableTarget(name: "fuzz-entry-decoder", dependencies: ["GrapevineCore"]),
        // vCard 2.1/3.0/4.0 parser and vCard 4.0, 3.0 and jCard writer; standard library and Foundation only.
        .target(name: "VCard"),
        .testTarget(name: "VCardTests", dependencies: ["VCard"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "GrapevineCoreTests",
            dependencies: ["GrapevineCore", "GrapevineWire", "Sodium"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
