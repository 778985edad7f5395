import Foundation
import Streaming

/// How the cost of one small append into Delta grows with the number of live files in the
/// table: what a long-running stream without compaction pays later in its life. The table is
/// made by one real batch, then one commit adding `files` (empty) files, then `batches` real
/// small batches are timed through `DeltaSink` (every `delta.checkpointInterval`-th writes a
/// checkpoint of all live files).
struct SinkBench {
    let directory: String
    let batches: Int

    struct Result {
        var files: Int
        var meanMillis: Double
        var meanWithoutCheckpointMillis: Double
        var checkpointMillis: Double
        var checkpointBytes: Int64
        /// Heap the sink's snapshot holds per live file, and per tombstone once they are all removed.
        var heapBytesPerFile: Double
        var heapBytesPerTombstone: Double
    }

    static let schema = Schema([Field("id", .string), Field("amount", .int64), Field("date", .string)])

    func run(files: Int) throws -> Result {
        let root = FilePaths.join(directory, "table-\(files)")
        try? FileSystem.removeTree(root)
        let sink = DeltaSink(path: root, partitionBy: ["date"])
        try sink.open(SinkContext(queryId: "bench", queryName: nil, outputMode: .append, schema: Self.schema))
        try sink.addBatch(0, try batch(0))
        let baseHeap = ProcessUsage.heapInUse() ?? 0
        // The live files of a long-running table, committed at once (their bytes do not matter:
        // an append never reads other data files).
        let partition = FilePaths.join(root, "date=2026-12-06")
        try FileSystem.createDirectory(partition)
        var adds: [DeltaAction] = []
        for i in 0..<files {
            let name = "part-00000-\(UUID().uuidString.lowercased()).c000.zstd.parquet"
            try DurableFile.writeNew(FilePaths.join(partition, name), [], sync: false)
            adds.append(.add(DeltaAddFile(
                path: "date=2026-12-06/" + name, partitionValues: ["date": "2026-12-06"], size: 1500, modificationTime: Int64(i),
                dataChange: true,
                stats: #"{"numRecords":90,"minValues":{"id":"e\#(i)","amount":1},"maxValues":{"id":"e9999","amount":500},"nullCount":{"id":0,"amount":0}}"#)))
        }
        try sink.table.commit(DeltaCommitInfo(timestamp: nil, operation: "WRITE", operationParameters: [:], isBlindAppend: true, operationMetrics: [:])) { _ in adds }
        adds = []
        let filesHeap = ProcessUsage.heapInUse() ?? 0
        var plain: [Double] = [], checkpoint: [Double] = []
        for b in 1...batches {
            let rows = try batch(b)
            let start = ContinuousClock.now
            try sink.addBatch(Int64(b), rows)
            let elapsed = (ContinuousClock.now - start).components
            let ms = Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15
            let version = try sink.table.snapshot().version
            if version % 10 == 0 { checkpoint.append(ms) } else { plain.append(ms) }
        }
        let version = try sink.table.snapshot().version
        let lastCheckpoint = version - version % 10
        // Remove the bulk files as a compaction would (no data change): they become tombstones.
        try sink.table.commit(DeltaCommitInfo(timestamp: nil, operation: "OPTIMIZE", operationParameters: [:], isBlindAppend: false, operationMetrics: [:])) { base in
            base!.addFiles.filter { $0.size == 1500 }.map { .remove($0.remove(at: currentMillis(), dataChange: false)) }
        }
        let tombstones = try sink.table.snapshot().tombstones.count
        let tombstonesHeap = ProcessUsage.heapInUse() ?? 0
        let all = plain + checkpoint
        return Result(
            files: files, meanMillis: all.reduce(0, +) / Double(all.count),
            meanWithoutCheckpointMillis: plain.reduce(0, +) / Double(max(1, plain.count)),
            checkpointMillis: checkpoint.reduce(0, +) / Double(max(1, checkpoint.count)),
            checkpointBytes: (try? FileSystem.attributes(DeltaLog(tablePath: root).checkpointPath(lastCheckpoint)).size) ?? 0,
            heapBytesPerFile: Double(filesHeap - baseHeap) / Double(files),
            heapBytesPerTombstone: Double(tombstonesHeap - baseHeap) / Double(max(1, tombstones)))
    }

    private func currentMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    private func batch(_ n: Int) throws -> RecordBatch {
        try RecordBatch(schema: Self.schema, columns: [
            Column.from((0..<100).map { .string("e\(n * 100 + $0)") }, type: .string), Column.int64s((0..<100).map { Int64($0) }),
            Column.repeating(.string("2026-12-06"), type: .string, count: 100),
        ])
    }
}
