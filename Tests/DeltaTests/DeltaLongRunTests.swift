import Columnar
import Foundation
import Testing

@testable import Formats
@testable import Delta
@testable import Sinks

/// What a sink that commits every second for days must not do: work per commit that grows
/// with the number of files in the table (docs/RELIABILITY.md, "Soak").
@Suite struct DeltaLongRunTests {
    /// The identity (address) of a dictionary's storage. A copy on write allocates the new
    /// storage while the old one is alive, so a copy always shows as a change from the
    /// identity just before; adding an entry in place keeps it, unless the map grows.
    static func storageIdentity<K, V>(_ d: [K: V]) -> UInt {
        precondition(MemoryLayout<[K: V]>.size == MemoryLayout<UInt>.size)
        return unsafeBitCast(d, to: UInt.self)
    }

    @Test func aCommitAddsToTheCachedFileMapInsteadOfCopyingIt() throws {
        let dir = DeltaTempDir()
        let sink = DeltaSink(path: dir.sub("t"), partitionBy: ["date"])
        try sink.open(sinkContext("q"))
        // One file per batch (one day, one partition).
        for b in 0..<40 { try sink.addBatch(Int64(b), logRows(b * 10, 10, days: 1)) }
        var identity = Self.storageIdentity(try sink.table.snapshot().files)
        var changes = 0
        for b in 40..<50 {
            try sink.addBatch(Int64(b), logRows(b * 10, 10, days: 1))
            let now = Self.storageIdentity(try sink.table.snapshot().files)
            if now != identity { changes += 1 }
            identity = now
        }
        #expect(try sink.table.snapshot().files.count == 50)
        // Ten commits of one file each: in place, the storage changes at most once (when the map
        // grows); copied, it changes with every commit.
        #expect(changes <= 1, "the file map changed storage in \(changes) of 10 commits")
        // The cache dropped during each commit came back, and a fresh reader agrees.
        #expect(try DeltaTable(path: dir.sub("t")).snapshot().files.keys.sorted() == sink.table.snapshot().files.keys.sorted())
    }
}
