import Columnar

/// The state of a table at one version: the result of replaying its log (Delta PROTOCOL.md,
/// "Action Reconciliation").
public struct DeltaSnapshot: Sendable {
    public let tablePath: String
    public private(set) var version: Int64
    public private(set) var tableProtocol: DeltaProtocol
    public private(set) var metadata: DeltaMetadata
    /// The columns of the table, partition columns included.
    public private(set) var schema: Schema
    /// Live data files by (encoded) path.
    public private(set) var files: [String: DeltaAddFile]
    /// Removed files still remembered (for vacuum and checkpoints), by path.
    public private(set) var tombstones: [String: DeltaRemoveFile]
    /// The last committed version of each application id.
    public private(set) var transactions: [String: DeltaTxn]

    /// Replay state before `protocol` and `metaData` are known.
    struct Builder {
        var tableProtocol: DeltaProtocol?
        var metadata: DeltaMetadata?
        var files: [String: DeltaAddFile] = [:]
        var tombstones: [String: DeltaRemoveFile] = [:]
        var transactions: [String: DeltaTxn] = [:]

        /// Applies the actions of `version` (read from `logFile`). File paths that lead outside
        /// the table are refused here, where the version and file are known (`DeltaPaths`).
        mutating func apply(_ actions: [DeltaAction], version: Int64, tablePath: String, logFile: String) throws {
            for a in actions {
                switch a {
                case .protocol(let p): tableProtocol = p.normalized
                case .metaData(let m): metadata = m
                case .txn(let t): transactions[t.appId] = t
                case .add(let f):
                    try Self.checkPath(f.path, "add", version: version, tablePath: tablePath, logFile: logFile)
                    files[f.path] = f
                    tombstones[f.path] = nil
                case .remove(let r):
                    try Self.checkPath(r.path, "remove", version: version, tablePath: tablePath, logFile: logFile)
                    files[r.path] = nil
                    tombstones[r.path] = r
                case .commitInfo: break
                }
            }
        }

        static func needsResolution(_ path: String) -> Bool {
            var previousDot = false
            for b in path.utf8 {
                if b == UInt8(ascii: "%") || b == UInt8(ascii: ":") || (previousDot && b == UInt8(ascii: ".")) { return true }
                previousDot = b == UInt8(ascii: ".")
            }
            return false
        }

        static func checkPath(_ path: String, _ action: String, version: Int64, tablePath: String, logFile: String) throws {
            // The usual path (relative; no `%`, `:` or `..`) cannot leave the table: skip decoding.
            if path.utf8.first != UInt8(ascii: "/") && !needsResolution(path) { return }
            _ = try DeltaPaths.relativeLocation(path, tableRoot: tablePath, action: action, version: version, logFile: logFile)
        }

        /// - Parameter known: a schema already parsed from the same metaData, to reuse.
        func build(tablePath: String, version: Int64, known: (metadata: DeltaMetadata, schema: Schema)? = nil) throws -> DeltaSnapshot {
            guard let p = tableProtocol else { throw DeltaError.corruptLog(tablePath, "no protocol action up to version \(version)") }
            guard let m = metadata else { throw DeltaError.corruptLog(tablePath, "no metaData action up to version \(version)") }
            try DeltaSnapshot.checkReadable(p, table: tablePath)
            let schema: Schema
            if let known, known.metadata == m { schema = known.schema } else { schema = try DeltaSchema.parse(m.schemaString, table: tablePath) }
            return DeltaSnapshot(
                tablePath: tablePath, version: version, tableProtocol: p, metadata: m, schema: schema, files: files,
                tombstones: tombstones, transactions: transactions)
        }
    }

    /// Applies the actions of commit `version` (the next one).
    mutating func apply(_ actions: [DeltaAction], version: Int64) throws {
        precondition(version == self.version + 1)
        var b = Builder(tableProtocol: tableProtocol, metadata: metadata, files: files, tombstones: tombstones, transactions: transactions)
        // Release our references so the dictionaries are mutated in place, not copied.
        files = [:]
        tombstones = [:]
        try b.apply(actions, version: version, tablePath: tablePath, logFile: DeltaLog(tablePath: tablePath).commitPath(version))
        self = try b.build(tablePath: tablePath, version: version, known: (metadata, schema))
    }

    /// Forgets tombstones removed before `cutoff` (ms). They are expired: checkpoints no longer
    /// carry them and vacuum treats their files as untracked (whose age is past the retention
    /// too). Without this a long-running writer's snapshot keeps every file it ever removed.
    mutating func dropTombstones(removedBefore cutoff: Int64) {
        tombstones = tombstones.filter { ($0.value.deletionTimestamp ?? .max) >= cutoff }
    }

    /// Where a file of this table (live or removed) lies, relative to the table root and
    /// decoded. Paths were checked when the log was read, so this fails only for files that
    /// did not come from this snapshot's log.
    public func location(of path: String) throws -> String {
        if path.utf8.first != UInt8(ascii: "/") && !Builder.needsResolution(path) { return path }
        return try DeltaPaths.relativeLocation(path, tableRoot: tablePath, action: "file", version: version, logFile: DeltaLog(tablePath: tablePath).logPath)
    }

    /// Live files sorted by path (a deterministic order for reads and checkpoints).
    public var addFiles: [DeltaAddFile] { files.values.sorted { $0.path < $1.path } }

    /// The last version committed by `appId`, or nil if it never committed.
    public func transactionVersion(_ appId: String) -> Int64? { transactions[appId]?.version }

    public var partitionColumns: [String] { metadata.partitionColumns }

    /// The columns stored in data files (all but the partition columns).
    public var dataSchema: Schema { Schema(schema.fields.filter { !metadata.partitionColumns.contains($0.name) }) }

    /// `delta.checkpointInterval`, default 10 (Spark's).
    public var checkpointInterval: Int64 { metadata.configuration["delta.checkpointInterval"].flatMap { Int64($0) }.map { max(1, $0) } ?? 10 }

    /// `delta.appendOnly=true`: no removes with dataChange.
    public var isAppendOnly: Bool { metadata.configuration["delta.appendOnly"]?.lowercased() == "true" }
}
