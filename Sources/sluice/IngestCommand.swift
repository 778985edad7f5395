import ArgumentParser
import Foundation
import Ingest
import Streaming

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Copy a Kinesis stream or a directory of files into a raw Delta table partitioned by date, exactly once.",
        discussion:
            "The table gets one row per record (per line, for files): data, partition_key, shard_id, sequence_number, "
            + "arrival_time and the partition column date (the UTC day of arrival_time, or of the --date-field timestamp). "
            + "Run it again with the same checkpoint to continue where it stopped.")

    @Argument(help: ArgumentHelp("kinesis://STREAM, s3://bucket/prefix, or a local directory of files.", valueName: "SOURCE"))
    var source: String

    @Option(help: ArgumentHelp("The Delta table to write (a local path or s3://bucket/prefix).", valueName: "TABLE"))
    var table: String

    @Option(help: ArgumentHelp("The query's checkpoint directory (a local path or s3://bucket/prefix): where it stopped, so a rerun continues.", valueName: "CHECKPOINT"))
    var checkpoint: String

    @Option(help: ArgumentHelp("Endpoint of a Kinesis- and S3-compatible service, e.g. http://127.0.0.1:5000 (default: AWS_ENDPOINT_URL_KINESIS, AWS_ENDPOINT_URL, else AWS).", valueName: "URL"))
    var endpoint: String?

    @Option(help: ArgumentHelp("AWS region (default: AWS_REGION, AWS_DEFAULT_REGION or ~/.aws/config).", valueName: "REGION"))
    var region: String?

    @Option(name: .customLong("date-field"), help: ArgumentHelp("A JSON timestamp field of each record to take date from (ISO-8601 or epoch ms); default: arrival_time.", valueName: "FIELD"))
    var dateField: String?

    @Option(help: ArgumentHelp("available-now (the backlog, then stop) or processing-time:SECONDS (a batch every SECONDS until SIGTERM).", valueName: "available-now|processing-time:SECONDS"))
    var trigger = "available-now"

    @Option(name: .customLong("bad-records"), help: ArgumentHelp("Directory for records without a usable date or not valid UTF-8; without it such a record stops the ingest.", valueName: "PATH"))
    var badRecords: String?

    func run() throws {
        do {
            let job = IngestJob(
                source: try IngestSource.parse(source),
                table: try StorageLocation.parse(table, role: "table"),
                checkpoint: try StorageLocation.parse(checkpoint, role: "checkpoint"),
                endpoint: endpoint, region: region, dateField: dateField,
                trigger: try IngestJob.TriggerChoice.parse(trigger),
                badRecords: try badRecords.map { try StorageLocation.parse($0, role: "bad-records path") })
            let session = StreamingSession()
            session.streams.logger.logLevel = .warning
            let query = try job.run(session)
            let batches = query.recentProgress
            let rows = batches.reduce(0) { $0 + $1.numInputRows }
            let bad = batches.reduce(0) { $0 + $1.sources.reduce(0) { $0 + $1.numMalformedRows } }
            print("ingest: \(batches.count) batch(es), \(rows) record(s) read, \(bad) bad record(s) set aside")
        } catch let error as IngestError {
            FileHandle.standardError.write(Data("sluice ingest: \(error)\n".utf8))
            throw ExitCode(64)
        } catch {
            FileHandle.standardError.write(Data("sluice ingest: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
