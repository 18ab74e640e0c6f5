import Foundation
import GrapevineVectors

// Writes Protocol/vectors/ (or the directory given as the only argument) from fixed seeds.
let directory = CommandLine.arguments.dropFirst().first ?? "Protocol/vectors"
do {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for file in try VectorGenerator.files() {
        let path = directory + "/" + file.name
        try file.data.write(to: URL(fileURLWithPath: path))
        print("wrote \(path)")
    }
} catch {
    FileHandle.standardError.write(Data("grapevine-vectors: \(error)\n".utf8))
    exit(1)
}
