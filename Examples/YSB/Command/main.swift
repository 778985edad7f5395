// The Yahoo Streaming Benchmark query as a command: views per campaign per 10 s window into a
// Delta table or a PostgreSQL table, exactly once, restartable.
//
//   swift run -c release ysb-generate --out ysb --events 1000000 --files 10
//   swift run -c release sluice-ysb --events ysb/events --campaigns ysb/campaigns.jsonl \
//       --table ysb/table --checkpoint ysb/checkpoint --max-files-per-trigger 1
//   ... --table 'postgres://USER@HOST:PORT/DB?table=NAME'     (PostgreSQL instead of Delta)
import ArgumentParser
import Foundation
import SluicePostgres
import Streaming
import YSBWorkload

@main
struct SluiceYSB: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice-ysb",
        abstract: "Run the YSB query (filter, stream-static join, windowed count) into a Delta or PostgreSQL table.",
        discussion: """
            --table takes a path (a Delta table) or postgres://USER[:PASSWORD]@HOST:PORT/DB?table=NAME, which \
            writes the result rows to the PostgreSQL table NAME with the columns campaign_id (text), \
            window_start and window_end (timestamptz) and count (bigint), created if absent, each \
            micro-batch exactly once. Outside checks use this interface: it stays as it is. \
            Missing parts of the URL come from PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE; \
            ?sslmode=require asks for TLS.
            """)

    @Option(help: "Directory of event files (JSON lines), taken in name order.") var events: String
    @Option(help: "The campaigns file (JSON lines: ad_id, campaign_id).") var campaigns: String
    @Option(help: "The Delta table to write (a path), or postgres://USER@HOST:PORT/DB?table=NAME for a PostgreSQL table (interface kept stable for outside checks).")
    var table: String
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
        var result = try YSBQuery.build(session: session, events: events, campaigns: campaigns, maxFilesPerTrigger: maxFilesPerTrigger)
        let sink: SinkFormat
        if table.hasPrefix("postgres://") || table.hasPrefix("postgresql://") {
            let target = try PostgresConnectionString.parse(table)
            guard let name = target.table else {
                throw ValidationError("--table \(target) needs ?table=NAME: the PostgreSQL table to write")
            }
            // The PostgreSQL table's columns are part of the interface: name them here.
            result = result.select(col("campaign_id"), col("window_start"), col("window_end"), col("count"))
            sink = .postgres(url: table, table: name)
        } else {
            sink = .delta(table)
        }
        let query = try result
            .writeStream
            .format(sink)
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
