import Foundation
import Testing

@testable import Streaming

/// A fresh directory under /tmp, removed when the test ends.
final class TempDir: @unchecked Sendable {
    let path: String

    init(_ label: String = "sluice") {
        path = FilePaths.join(NSTemporaryDirectory(), "\(label)-\(UUID().uuidString.lowercased())")
        try! FileSystem.createDirectory(path)
    }

    deinit { try? FileSystem.removeTree(path) }

    func sub(_ parts: String...) -> String { FilePaths.join([path] + parts) }
}

let eventSchema = Schema([Field("id", .int64), Field("user", .string), Field("amount", .double), Field("ts", .timestamp)])

/// Writes a JSON-lines file of events with ids in `ids`, the way producers should: write hidden, rename.
func writeEvents(_ dir: String, _ name: String, ids: Range<Int>) throws {
    try FileSystem.createDirectory(dir)
    let lines = ids.map { i in
        #"{"id":\#(i),"user":"u\#(i % 3)","amount":\#(Double(i) * 1.5),"ts":"2026-11-25T10:00:\#(String(format2: i % 60))Z"}"#
    }
    let tmp = FilePaths.join(dir, ".\(name).tmp")
    try DurableFile.writeNew(tmp, Array((lines.joined(separator: "\n") + "\n").utf8))
    try FileSystem.rename(tmp, FilePaths.join(dir, name))
}

extension String {
    init(format2 n: Int) { self = n < 10 ? "0\(n)" : "\(n)" }
}

/// The ids in a memory sink, in arrival order.
func ids(_ sink: MemorySink) -> [Int64] {
    sink.rows.compactMap { if case .int64(let x) = $0[0] { return x } else { return nil } }
}
