import Foundation
import Testing

@testable import Streaming

/// The array forms of the variadic builders, for keys and aggregates computed at run time.
@Suite struct ArrayBuilderTests {
    @Test func arrayFormsBuildTheSameQueries() throws {
        let dir = TempDir()
        try FileSystem.createDirectory(dir.sub("in"))
        let s = try StreamingSession().readStream.schema(StreamHarness.schema).load(dir.sub("in"))
        let keys: [String] = ["key"]
        let grouped = try s.groupBy(keys).agg([count().as("n"), max(col("value"))]).schema()
        #expect(grouped == (try s.groupBy("key").agg(count().as("n"), max(col("value"))).schema()))
        #expect(grouped.names == ["key", "n", "max(value)"])
        let windowed: [any GroupingColumn] = [window(col("ts"), .seconds(5)), "key"]
        #expect(try s.groupBy(windowed).count().schema().names == ["window_start", "window_end", "key", "count"])
    }

    @Test func dropDuplicatesWithAnArrayOfColumns() throws {
        let columns = ["key"]
        let h = try StreamHarness(mode: .append) { s in s.withWatermark("ts", delay: .seconds(5)).dropDuplicatesWithinWatermark(columns) }
        try h.add([("a", 1, 1), ("a", 2, 2), ("b", 2, 3)])
        #expect(h.newRows().map { $0[0] } == ["a", "b"])
        let plain = try StreamHarness(mode: .append) { s in s.dropDuplicates(columns) }
        try plain.add([("a", 1, 1), ("a", 2, 2)])
        #expect(plain.newRows().count == 1)
    }
}
