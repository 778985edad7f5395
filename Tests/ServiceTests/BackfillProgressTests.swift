import Foundation
import Logging
import Synchronization
import Testing

@testable import Service
@testable import Streaming

/// A replay reports its progress per input batch; the backfill command shows it.
@Suite struct BackfillProgressTests {
    @Test func replayReportsDaysAndFilesAsItReads() throws {
        let dir = try TestEnvironment.scratch("backfill-progress")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = FilePaths.join(dir, "in")
        for day in 24...26 {
            for n in 0..<2 { try EventFiles.write(input, "f\(n).jsonl", day: day, minutes: [n, n + 10]) }
        }
        let reports = Mutex<[ReplayProgress]>([])
        var options = ReplayOptions()
        options.maxFilesPerBatch = 1
        options.onProgress = { p in reports.withLock { $0.append(p) } }
        let result = try StreamingSession().readStream.format(.jsonLines).schema(EventFiles.schema).load(input)
            .filter(col("level") == "ERROR")
            .writeStream.format(.delta(FilePaths.join(dir, "table"), partitionBy: ["date"]))
            .replay(
                from: Timestamps.make(year: 2026, month: 11, day: 24), to: Timestamps.make(year: 2026, month: 11, day: 27),
                eventTime: "ts", options: options)
        #expect(result.outputRows == 12)
        let seen = reports.withLock { $0 }
        #expect(seen.count == 7)
        #expect(seen.first == ReplayProgress(batches: 6, files: 6, days: 3, daysDone: 0, filesDone: 0, batchesDone: 0, rowsRead: 0))
        #expect(seen.map(\.filesDone) == [0, 1, 2, 3, 4, 5, 6])
        // A day is done once the next batch starts on a later day.
        #expect(seen.map(\.daysDone) == [0, 0, 1, 1, 2, 2, 3])
        #expect(seen.last?.rowsRead == 12)
    }

    @Test func progressLineShowsDaysFilesRateAndETA() {
        let p = ReplayProgress(batches: 4, files: 40, days: 10, daysDone: 3, filesDone: 10, batchesDone: 1, rowsRead: 50_000)
        #expect(BackfillReporter.describe(p, elapsed: 10) == "3/10 days, 10/40 files, 5.0k rows/s, ETA 30s")
        #expect(BackfillReporter.eta(3725) == "1h02m")
        #expect(BackfillReporter.eta(75) == "1m15s")
    }
}
