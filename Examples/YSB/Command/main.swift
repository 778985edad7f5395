// The Yahoo Streaming Benchmark query as a command: views per campaign per 10 s window into a
// Delta table, exactly once, restartable.
//
//   swift run -c release ysb-generate --out ysb --events 1000000 --files 10
//   swift run -c release sluice-ysb --events ysb/events --campaigns ysb/campaigns.jsonl \
//       --table ysb/table --checkpoint ysb/checkpoint --max-files-per-trigger 1
import ArgumentParser
import Foundation
import Streaming
import YSBWorkload

@main
struct SluiceYSB: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice-ysb", abstract: "Run the YSB query (filter, stream-static join, windowed count) into a Delta table.")

    @Option(help: "Directory of event files (JSON lines), taken in name order.") var events: String
    @Option(help: "The campaigns file (JSON lines: ad_id, campaign_id).") var campaigns: String
    @Option(help: "The Delta table to write.") var table: String
    @Option(help: "The query's checkpoint directory.") var checkpoint: String
    @Option(name: .customLong("max-files-per-trigger"), help: "Files per micro-batch.") var maxFilesPerTrigger: Int?
    @Option(help: "available-now (default) or processing-time:SECONDS.") var trigger = "available-now"

    func run() throws {
        AllocatorTuning.keepFreedMemory()
        let trig: Trigger
        if trigger == "available-now" {
            trig = .availableNow
        } else if trigger.hasPrefix("processing-time:"), let s = Double(trigger.dropFirst("processing-time:".count)) {
            trig = .processingTime(.milliseconds(Int64(s * 1000)))
        } else {
            throw ValidationError("--trigger must be available-now or processing-time:SECONDS")
        }
        let session = StreamingSession()
        let totals = Totals()
        session.streams.addListener(totals)
        let query = try YSBQuery.build(session: session, events: events, campaigns: campaigns, maxFilesPerTrigger: maxFilesPerTrigger)
            .writeStream
            .format(.delta(table))
            .outputMode(.append)
            .queryName("ysb")
            .checkpointLocation(checkpoint)
            .trigger(trig)
            .start()
        let start = ContinuousClock.now
        try query.awaitTermination()
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let (input, batches) = totals.value
        print(String(format: "events %lld, batches %d, seconds %.3f, events/s %.0f", input, batches, seconds, Double(input) / max(seconds, 1e-9)))
    }
}

/// Counts input rows and batches over the whole run (recentProgress keeps only the last 100).
final class Totals: StreamingQueryListener, @unchecked Sendable {
    private let lock = NSLock()
    private var rows: Int64 = 0
    private var batches = 0

    func onQueryProgress(_ p: StreamingQueryProgress) {
        lock.withLock {
            rows += p.numInputRows
            batches += 1
        }
    }

    var value: (Int64, Int) { lock.withLock { (rows, batches) } }
}
