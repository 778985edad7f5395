import Foundation
import Testing

@testable import Streaming

/// A full disk fails the batch cleanly; once space returns, a restart completes with every row once.
/// Uses a small tmpfs, so it needs root (CI runs as root); skipped otherwise.
@Suite(.enabled(if: getuid() == 0, "mounting a small tmpfs needs root"))
struct DiskFullTests {
    static func writeInput(_ dir: String) throws {
        try FileSystem.createDirectory(dir)
        for f in 0..<8 {
            let rows = (0..<50).map { i in
                #"{"key":"k\#(i % 5)","ts":"\#(Timestamps.format(Int64(f * 60 + i) * 1_000_000))","value":\#(i)}"#
            }
            try DurableFile.writeNew(FilePaths.join(dir, String(format: "%02d.jsonl", f)), Array(rows.joined(separator: "\n").utf8))
        }
    }

    static func run(input: String, root: String) throws {
        try StreamingSession().readStream.schema(StreamHarness.schema).option(.maxFilesPerTrigger(1)).load(input)
            .withWatermark("ts", delay: .seconds(30))
            .groupBy(window(col("ts"), .seconds(20)), col("key")).agg(count().as("n"), sum(col("value")).as("total"))
            .withColumn("date", toDate(col("window_start")))
            .writeStream.format(.delta(FilePaths.join(root, "table"), partitionBy: ["date"]))
            .checkpointLocation(FilePaths.join(root, "cp")).trigger(.availableNow).start().awaitTermination()
    }

    static func rows(_ root: String) throws -> [[Value]] {
        try DeltaTable(path: FilePaths.join(root, "table")).snapshot().read().batch.rows.sorted { Value.compareRows($0, $1) < 0 }
    }

    /// Free space left on the small disk: none, then amounts that let a few batches commit before
    /// a write fails somewhere inside a later batch.
    @Test(arguments: [0, 24 << 10, 64 << 10, 128 << 10])
    func aFullDiskFailsTheBatchAndARestartAfterwardsLosesNothing(freeBytes: Int) throws {
        let dir = TempDir()
        try Self.writeInput(dir.sub("in"))
        try Self.run(input: dir.sub("in"), root: dir.sub("reference"))
        let expected = try Self.rows(dir.sub("reference"))
        #expect(expected.count > 10)

        let small = dir.sub("small")
        try FileSystem.createDirectory(small)
        guard mount("tmpfs", small, "tmpfs", 0, "size=4m") == 0 else {
            Issue.record("mount tmpfs failed: errno \(errno)")
            return
        }
        defer { umount(small) }
        // Leave too little room for even the first batch's checkpoint and table files.
        let filler = FilePaths.join(small, "filler")
        let fd = open(filler, O_WRONLY | O_CREAT, 0o644)
        let chunk = [UInt8](repeating: 0, count: 64 << 10)
        while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
        let size = lseek(fd, 0, SEEK_END)
        ftruncate(fd, size - off_t(freeBytes))
        close(fd)
        do {
            try Self.run(input: dir.sub("in"), root: small)
            Issue.record("expected the full disk to fail the query")
        } catch {
            #expect("\(error)".contains("No space left on device"), "\(error)")
        }
        let committedBeforeFailure = (try? CheckpointInspector(small + "/cp").status().lastCommittedBatch) ?? nil
        // Space comes back; the same checkpoint continues.
        try FileSystem.remove(filler)
        try Self.run(input: dir.sub("in"), root: small)
        #expect(try Self.rows(small) == expected)
        if freeBytes >= 64 << 10 { #expect(committedBeforeFailure != nil, "some batches should commit before the disk fills") }
    }
}
