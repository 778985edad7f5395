import ArgumentParser
import Foundation
import Streaming

/// `sluice table info|history|optimize|vacuum <path>`: inspect and maintain Delta tables.
struct TableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "table", abstract: "Inspect and maintain Delta Lake tables.",
        subcommands: [TableInfoCommand.self, TableHistoryCommand.self, TableOptimizeCommand.self, TableVacuumCommand.self])
}

struct TableInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Version, schema, partitions, files and sizes of a table.")

    @Argument(help: "The table's directory.")
    var path: String

    func run() throws {
        let snap = try DeltaTable(path: path).snapshot()
        let files = snap.addFiles
        let bytes = files.reduce(Int64(0)) { $0 + $1.size }
        let rows = files.reduce(Int64(0)) { $0 + ($1.numRecords ?? 0) }
        print("table:      \(snap.tablePath)")
        print("id:         \(snap.metadata.id)")
        print("version:    \(snap.version)")
        let p = snap.tableProtocol
        let features = [("reader", p.readerFeatures), ("writer", p.writerFeatures)].compactMap { kind, list in
            list.map { "\(kind) features [\($0.joined(separator: ", "))]" }
        }
        print("protocol:   reader \(p.minReaderVersion), writer \(p.minWriterVersion)" + (features.isEmpty ? "" : "; " + features.joined(separator: "; ")))
        print("schema:     \(snap.schema)")
        print("partitions: \(snap.partitionColumns.isEmpty ? "none" : snap.partitionColumns.joined(separator: ", "))")
        print("files:      \(files.count) (\(formatBytes(bytes)), \(rows) rows)")
        if !snap.metadata.configuration.isEmpty {
            print("properties: " + snap.metadata.configuration.keys.sorted().map { "\($0)=\(snap.metadata.configuration[$0]!)" }.joined(separator: ", "))
        }
        if !snap.partitionColumns.isEmpty {
            var perPartition: [String: (files: Int, bytes: Int64, rows: Int64)] = [:]
            for f in files {
                let key = DeltaPartition.directory(columns: snap.partitionColumns, values: f.partitionValues)
                let p = perPartition[key] ?? (0, 0, 0)
                perPartition[key] = (p.files + 1, p.bytes + f.size, p.rows + (f.numRecords ?? 0))
            }
            print("partition                                 files        size         rows")
            for key in perPartition.keys.sorted() {
                let p = perPartition[key]!
                print(pad(key, 40) + " " + lpad(String(p.files), 6) + " " + lpad(formatBytes(p.bytes), 11) + " " + lpad(String(p.rows), 12))
            }
        }
        if !snap.transactions.isEmpty {
            print("applications (txn):")
            for t in snap.transactions.values.sorted(by: { $0.appId < $1.appId }) { print("  \(t.appId): version \(t.version)") }
        }
    }
}

struct TableHistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "The table's commits, newest first.")

    @Argument(help: "The table's directory.")
    var path: String

    @Option(help: "How many commits to show.")
    var limit = 20

    func run() throws {
        print("version  timestamp                 operation          files +/-   parameters")
        for e in try DeltaTable(path: path).history(limit: limit) {
            let info = e.commitInfo
            let time = info?.timestamp.map { Timestamps.format($0 * 1000) } ?? "-"
            let params = (info?.operationParameters ?? [:]).keys.sorted().map { "\($0)=\(info!.operationParameters[$0]!)" }.joined(separator: " ")
            print(lpad(String(e.version), 7) + "  " + pad(time, 25) + " " + pad(info?.operation ?? "-", 18) + " " + pad("+\(e.addedFiles)/-\(e.removedFiles)", 11) + " " + params)
        }
    }
}

struct TableOptimizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize",
        abstract: "Compact small files per partition (dataChange=false: streaming readers see no new data).")

    @Argument(help: "The table's directory.")
    var path: String

    @Option(help: "Target file size in MiB; smaller files are compacted.")
    var targetSizeMb = 128

    @Option(help: "Only compact partitions with at least this many small files (without --zorder-by/--sort-by).")
    var minFiles = 2

    @Option(help: "Cluster rows by Z-order over these columns, e.g. customer,service,ts (rewrites each partition's files not yet in that order).")
    var zorderBy: String?

    @Option(help: "Cluster rows by sorting on these columns, e.g. customer,service,ts.")
    var sortBy: String?

    @Option(help: "Rows per Parquet row group of the files written with --zorder-by/--sort-by.")
    var rowGroupRows = 16_384

    func run() throws {
        let table = DeltaTable(path: path)
        if zorderBy != nil && sortBy != nil { throw ValidationError("give --zorder-by or --sort-by, not both") }
        let columns = { (s: String) in s.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
        let clustering = zorderBy.map { DeltaClustering.zOrder(columns($0)) } ?? sortBy.map { DeltaClustering.sort(columns($0)) }
        let r = try clustering.map {
            try table.optimize(layout: DeltaLayout(clustering: $0, targetFileSize: Int64(targetSizeMb) << 20, rowGroupRows: rowGroupRows))
        } ?? table.optimize(targetFileSize: Int64(targetSizeMb) << 20, minFiles: minFiles)
        guard let v = r.version else {
            print("nothing to compact")
            return
        }
        print("version \(v): \(r.partitionsCompacted) partition(s), \(r.filesRemoved) files (\(formatBytes(r.bytesRemoved))) -> \(r.filesAdded) files (\(formatBytes(r.bytesAdded)))")
    }
}

struct TableVacuumCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vacuum",
        abstract: "Delete files no version references any more (removed or never committed) older than the retention.",
        discussion: """
            Never follows symbolic links and never deletes outside the table. A retention below the \
            table's minimum (delta.deletedFileRetentionDuration, default 7 days) is refused unless \
            --force is given; files no commit references yet are kept for at least an hour whatever \
            the retention, since a running writer may be about to commit them.
            """)

    @Argument(help: "The table's directory.")
    var path: String

    @Option(help: "Keep unreferenced files younger than this many hours (default: the table's delta.deletedFileRetentionDuration, 168 hours if unset).")
    var retentionHours: Int?

    @Flag(help: "Accept a retention below the table's minimum (readers of recent versions may fail).")
    var force = false

    @Flag(help: "Only list what would be deleted.")
    var dryRun = false

    func run() throws {
        let r = try DeltaTable(path: path).vacuum(
            retentionMillis: retentionHours.map { Int64($0) * 3_600_000 }, force: force, dryRun: dryRun)
        for f in r.deletedFiles { print((dryRun ? "would delete " : "deleted ") + f) }
        for l in r.skippedLinks { print("skipped symbolic link " + l) }
        print("\(r.deletedFiles.count) file(s), \(formatBytes(r.bytes))\(dryRun ? " (dry run)" : ""), retention \(r.retentionMillis / 3_600_000) hours")
    }
}

func formatBytes(_ b: Int64) -> String {
    if b < 1024 { return "\(b) B" }
    let units = ["KiB", "MiB", "GiB", "TiB"]
    var v = Double(b) / 1024
    var i = 0
    while v >= 1024 && i < units.count - 1 {
        v /= 1024
        i += 1
    }
    return String(format: "%.1f", v) + " " + units[i]
}

func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
