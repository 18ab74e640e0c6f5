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
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
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
        // ICU's UTS #39 spoof checker, found with pkg-config (Debian: libicu-dev). Foundation bundles
        // its own ICU under other symbol names, so the libraries do not clash; their headers do
        // (same C type names), so only the C shim CICUSpoof sees ICU's headers.
        .systemLibrary(
            name: "CICU",
            pkgConfig: "icu-i18n",
            providers: [.apt(["libicu-dev"])]
        ),
        .target(name: "CICUSpoof", dependencies: ["CICU"]),
        // A small typed wrapper: confusable skeletons and mixed-script checks, no pointers.
        .target(name: "UnicodeSecurity", dependencies: ["CICUSpoof"]),
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
        // The sans-IO gossip engine: SWIM/Lifeguard membership, dissemination, range-based reconciliation.
        .target(
            name: "GossipEngine",
            dependencies: [
                "GrapevineCore", "GrapevineMerge", "GrapevineWire", "Sodium",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        // The one interpreter of the engine's directives, shared by the node and the simulator;
        // what differs between them is a small host protocol. No NIO, no SQLite.
        .target(name: "GossipInterpreter", dependencies: ["GossipEngine", "GrapevineCore", "GrapevineMerge"]),
        // A deterministic in-process network of GossipEngine nodes on virtual time, with real merge cores.
        .target(name: "GossipSimulator", dependencies: ["GossipEngine", "GossipInterpreter", "GrapevineCore", "GrapevineMerge", "Sodium"]),
        .testTarget(
            name: "GossipEngineTests",
            dependencies: ["GossipEngine", "GossipInterpreter", "GossipSimulator", "GrapevineCore", "GrapevineMerge", "GrapevineWire", "SealedDatagrams", "Sodium"]
        ),
        // libFuzzer target for the gossip payload and reconciliation frame decoders (scripts/fuzz).
        .executableTarget(name: "fuzz-frame-decoder", dependencies: ["FuzzSupport", "GossipEngine"]),
        // The persistent store: signed entries in SQLite (GRDB, WAL), derived tables, the local write path, ingest and queries.
        .target(
            name: "GrapevineStore",
            dependencies: ["GrapevineCore", "GrapevineMerge", "Sodium", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "GRDBSQLite", package: "GRDB.swift")]
        ),
        // Test helper: ingests batches and prints each id once committed; the crash test SIGKILLs it.
        .executableTarget(name: "store-crash-writer", dependencies: ["GrapevineStore", "GrapevineCore", "Sodium"]),
        .testTarget(
            name: "GrapevineStoreTests",
            dependencies: ["GrapevineStore", "GrapevineMerge", "GrapevineCore", "Sodium", "TestKit",
                           .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // `make bench`: the benchmark sections; results in docs/BENCHMARKS.md and docs/benchmarks.json.
        .executableTarget(name: "grapevine-bench", dependencies: ["GrapevineStore", "GrapevineMerge", "GrapevineCore", "Sodium", "GossipEngine", "GossipSimulator", "SealedDatagrams"]),
        // Sealed datagrams: the header, crypto_box under X25519 keys derived from identities, replay
        // windows, rate limits. Pure: the node shell feeds it bytes and a clock.
        .target(name: "SealedDatagrams", dependencies: ["GrapevineCore", "Sodium"]),
        .testTarget(name: "SealedDatagramsTests", dependencies: ["SealedDatagrams", "GrapevineCore", "Sodium"]),
        // Discovery on the local network (PROTOCOL.md §17): the announcement format, the checks an
        // announcement passes, when to announce, and who was found. Pure: bytes, hosts and time in.
        .target(name: "Discovery", dependencies: ["GrapevineCore", "SealedDatagrams", "Sodium"]),
        .testTarget(name: "DiscoveryTests", dependencies: ["Discovery", "GrapevineCore", "Sodium"]),
        // The node process: a NIO UDP socket and a swift-service-lifecycle service around the driver
        // that opens datagrams, runs the gossip engine and feeds the store.
        .target(
            name: "Node",
            dependencies: [
                "Discovery", "GossipEngine", "GossipInterpreter", "GrapevineCore", "GrapevineMerge", "GrapevineStore", "SealedDatagrams", "Sodium",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "NodeTests",
            dependencies: ["Node", "GossipEngine", "GossipInterpreter", "GrapevineCore", "GrapevineMerge", "GrapevineStore", "SealedDatagrams", "Sodium", "grapevine", "TestKit",
                           .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio")]
        ),
        // The test vectors of Protocol/vectors/: their file format and the generator from fixed seeds.
        .target(name: "GrapevineVectors", dependencies: ["Discovery", "GrapevineCore", "GrapevineMerge", "GrapevineWire", "SealedDatagrams", "Sodium"]),
        .executableTarget(name: "grapevine-vectors", dependencies: ["GrapevineVectors"]),
        .testTarget(
            name: "ProtocolVectorsTests",
            dependencies: ["Discovery", "GrapevineVectors", "GrapevineCore", "GrapevineMerge", "GossipEngine", "SealedDatagrams", "Sodium"]
        ),
        // libFuzzer target for the entry decoder (scripts/fuzz); a normal build replays files instead.
        .executableTarget(name: "fuzz-entry-decoder", dependencies: ["FuzzSupport", "GrapevineCore"]),
        // What the libFuzzer targets share: the driver hand-off and replaying regression files.
        .target(name: "FuzzSupport"),
        // libFuzzer target for the sealed-datagram opener (scripts/fuzz).
        .executableTarget(name: "fuzz-datagram-opener", dependencies: ["FuzzSupport", "GrapevineCore", "SealedDatagrams", "Sodium"]),
        // vCard 2.1/3.0/4.0 parser and vCard 4.0, 3.0 and jCard writer; standard library and Foundation only.
        .target(name: "VCard"),
        .testTarget(name: "VCardTests", dependencies: ["VCard", "GrapevineCore", "TestKit"], resources: [.copy("Fixtures")]),
        // The CLI's logic apart from argument parsing: WHO resolution, card <-> vCard mapping, tables, JSON shapes.
        .target(
            name: "GrapevineCLI",
            dependencies: [
                "GrapevineCore", "GrapevineStore", "VCard", "Sodium", "UnicodeSecurity",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The `grapevine` command line: one file per subcommand over GrapevineCLI.
        .executableTarget(
            name: "grapevine",
            dependencies: [
                "GrapevineCLI", "GrapevineCore", "GrapevineStore", "VCard", "Node", "GossipEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "GrapevineCLITests",
            dependencies: ["grapevine", "GrapevineCLI", "GrapevineCore", "GrapevineStore", "VCard", "Sodium", "TestKit"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "GrapevineCoreTests",
            dependencies: ["GrapevineCore", "GrapevineWire", "Sodium", "TestKit"]
        ),
        // The three user jobs through the real `grapevine` binary, one node process per person,
        // and the seed-story example script.
        .testTarget(name: "EndToEndTests", dependencies: ["grapevine", "TestKit"]),
        // The fault harness: network namespaces, nftables faults, real nodes, misbehaving peers
        // and the six scenarios of docs/RELIABILITY.md. Test only; needs root.
        .target(
            name: "FaultHarness",
            dependencies: [
                "Discovery", "GossipEngine", "GrapevineCore", "GrapevineWire", "Node", "TestKit", "SealedDatagrams", "Sodium",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        // `make faults`: runs the scenarios; also the pushing and flooding peers they start in lab hosts.
        .executableTarget(
            name: "grapevine-faults",
            dependencies: [
                "FaultHarness", "GossipEngine", "GrapevineCore", "SealedDatagrams", "Sodium",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Scenarios loss30, partition, crash and liar, run by `make test` (skipped, saying why, without root).
        .testTarget(name: "FaultTests", dependencies: ["FaultHarness", "grapevine", "grapevine-faults", "TestKit"]),
        // What every test target and the fault harness share: where the built executables are,
        // running programs (to completion with a timeout, or in the background), polling, and
        // temporary directories removed at exit. The seeded generator is GrapevineCore's SeededRandom.
        .target(name: "TestKit", path: "Tests/TestKit"),
    ],
    swiftLanguageModes: [.v6]
)
