import Foundation
import Testing

@testable import Streaming

/// Delta sink settings that cannot work are refused by `start()` before anything is written:
/// no checkpoint directory, no table files, no offsets.
@Suite struct DeltaStartRejectionTests {
    let dir = TempDir("delta-refusal")

    func events() throws -> DataStream {
        try writeDayEvents(dir.sub("in"), "f0.jsonl", ids: 0..<10)
        return try StreamingSession().readStream.schema(eventSchema).load(dir.sub("in")).withColumn("date", toDate(col("ts")))
    }

    /// Every file under `path`, relative, sorted; empty if it does not exist.
    func files(_ path: String) throws -> [String] {
        guard FileSystem.exists(path) else { return [] }
        var out: [String] = []
        func walk(_ p: String, _ rel: String) throws {
            for name in try FileSystem.list(p) {
                let full = FilePaths.join(p, name)
                if FileSystem.isDirectory(full) { try walk(full, rel + name + "/") } else { out.append(rel + name) }
            }
        }
        try walk(path, "")
        return out.sorted()
    }

    @Test func updateModeWithoutMergeKeysWritesNothing() throws {
        let stream = try events().withWatermark("ts", delay: .seconds(10)).groupBy(window(col("ts"), .seconds(60)), "date").count()
        #expect(throws: DeltaError.self) {
            _ = try stream.writeStream.format(.delta(dir.sub("t"), partitionBy: ["date"])).outputMode(.update)
                .checkpointLocation(dir.sub("cp")).start()
        }
        #expect(!FileSystem.exists(dir.sub("cp")))
        #expect(!FileSystem.exists(dir.sub("t")))
    }

    /// A table written by one query, then a second query whose output does not fit it.
    @Test(arguments: ["schema", "partitioning"])
    func aMismatchWithAnExistingTableWritesNothing(kind: String) throws {
        let table = dir.sub("t")
        let first = try events().writeStream.format(.delta(table, partitionBy: ["date"]))
            .checkpointLocation(dir.sub("cp1")).trigger(.availableNow).start()
        try first.awaitTermination()
        let before = try files(table)
        #expect(before.contains { $0.hasPrefix("_delta_log/") } && before.contains { $0.hasPrefix("date=") })

        let second: DataStreamWriter
        if kind == "schema" {
            second = try events().select("id", "date").writeStream.format(.delta(table, partitionBy: ["date"]))
        } else {
            second = try events().writeStream.format(.delta(table, partitionBy: []))
        }
        #expect(throws: DeltaError.self) {
            _ = try second.checkpointLocation(dir.sub("cp2")).trigger(.availableNow).start()
        }
        #expect(!FileSystem.exists(dir.sub("cp2")), "no checkpoint, so no offsets or source log either")
        #expect(try files(table) == before)
    }
}
