import Foundation

/// `protocol`: the reader and writer versions a table requires.
public struct DeltaProtocol: Sendable, Hashable {
    public var minReaderVersion: Int
    public var minWriterVersion: Int
    public var readerFeatures: [String]?
    public var writerFeatures: [String]?

    /// What the engine writes for new tables (Delta PROTOCOL.md, "Protocol Evolution"): reader 1, writer 2.
    public static let `default` = DeltaProtocol(minReaderVersion: 1, minWriterVersion: 2)

    public init(minReaderVersion: Int, minWriterVersion: Int, readerFeatures: [String]? = nil, writerFeatures: [String]? = nil) {
        self.minReaderVersion = minReaderVersion
        self.minWriterVersion = minWriterVersion
        self.readerFeatures = readerFeatures
        self.writerFeatures = writerFeatures
    }
}

/// `metaData`: the table's id, schema, partition columns and properties.
public struct DeltaMetadata: Sendable, Hashable {
    public var id: String
    public var name: String?
    public var description: String?
    public var formatProvider = "parquet"
    public var formatOptions: [String: String] = [:]
    /// The Spark StructType JSON of the table's columns.
    public var schemaString: String
    public var partitionColumns: [String]
    public var configuration: [String: String]
    public var createdTime: Int64?

    public init(
        id: String, name: String? = nil, schemaString: String, partitionColumns: [String],
        configuration: [String: String] = [:], createdTime: Int64? = nil
    ) {
        self.id = id
        self.name = name
        self.schemaString = schemaString
        self.partitionColumns = partitionColumns
        self.configuration = configuration
        self.createdTime = createdTime
    }
}

/// `add`: a data file that is part of the table from this version on.
public struct DeltaAddFile: Sendable, Hashable {
    /// Relative URI from the table root (percent-encoded).
    public var path: String
    /// Every partition column, serialized as text; nil for a null partition value.
    public var partitionValues: [String: String?]
    /// Exact file size in bytes.
    public var size: Int64
    public var modificationTime: Int64
    /// False for rewrites (compaction) that streaming readers must not see as new data.
    public var dataChange: Bool
    /// Column statistics as JSON text (Delta PROTOCOL.md, "Per-file Statistics").
    public var stats: String?
    public var tags: [String: String]?

    public init(
        path: String, partitionValues: [String: String?], size: Int64, modificationTime: Int64, dataChange: Bool,
        stats: String? = nil, tags: [String: String]? = nil
    ) {
        self.path = path
        self.partitionValues = partitionValues
        self.size = size
        self.modificationTime = modificationTime
        self.dataChange = dataChange
        self.stats = stats
        self.tags = tags
    }

    /// The record count from `stats`, if recorded.
    public var numRecords: Int64? { parsedStats?.numRecords }

    /// `stats` parsed (nil when absent or unreadable).
    public var parsedStats: DeltaFileStats? { stats.flatMap(DeltaFileStats.init(json:)) }

    /// A remove action cancelling this file.
    public func remove(at timestamp: Int64, dataChange: Bool) -> DeltaRemoveFile {
        DeltaRemoveFile(
            path: path, deletionTimestamp: timestamp, dataChange: dataChange, extendedFileMetadata: true,
            partitionValues: partitionValues, size: size)
    }
}

/// `remove`: a data file that is no longer part of the table (a tombstone until vacuum).
public struct DeltaRemoveFile: Sendable, Hashable {
    public var path: String
    public var deletionTimestamp: Int64?
    public var dataChange: Bool
    public var extendedFileMetadata: Bool?
    public var partitionValues: [String: String?]?
    public var size: Int64?

    public init(
        path: String, deletionTimestamp: Int64?, dataChange: Bool, extendedFileMetadata: Bool? = nil,
        partitionValues: [String: String?]? = nil, size: Int64? = nil
    ) {
        self.path = path
        self.deletionTimestamp = deletionTimestamp
        self.dataChange = dataChange
        self.extendedFileMetadata = extendedFileMetadata
        self.partitionValues = partitionValues
        self.size = size
    }
}

/// `txn`: the last version an application (a query, a backfill) committed; the basis of
/// exactly-once writes.
public struct DeltaTxn: Sendable, Hashable {
    public var appId: String
    public var version: Int64
    public var lastUpdated: Int64?

    public init(appId: String, version: Int64, lastUpdated: Int64? = nil) {
        self.appId = appId
        self.version = version
        self.lastUpdated = lastUpdated
    }
}

/// `commitInfo`: free-form provenance of a commit (what history shows).
public struct DeltaCommitInfo: Sendable, Hashable {
    public var timestamp: Int64?
    public var operation: String?
    public var operationParameters: [String: String]
    public var engineInfo: String?
    public var isBlindAppend: Bool?
    public var readVersion: Int64?
    public var operationMetrics: [String: Int64]

    public init(
        timestamp: Int64?, operation: String?, operationParameters: [String: String] = [:], engineInfo: String? = DeltaCommitInfo.engine,
        isBlindAppend: Bool? = nil, readVersion: Int64? = nil, operationMetrics: [String: Int64] = [:]
    ) {
        self.timestamp = timestamp
        self.operation = operation
        self.operationParameters = operationParameters
        self.engineInfo = engineInfo
        self.isBlindAppend = isBlindAppend
        self.readVersion = readVersion
        self.operationMetrics = operationMetrics
    }

    public static let engine = "sluice/0.1"
}

/// One line of a commit file. Actions the engine does not model are dropped when reading.
public enum DeltaAction: Sendable, Hashable {
    case commitInfo(DeltaCommitInfo)
    case `protocol`(DeltaProtocol)
    case metaData(DeltaMetadata)
    case add(DeltaAddFile)
    case remove(DeltaRemoveFile)
    case txn(DeltaTxn)
}

// MARK: - JSON

extension DeltaAction {
    /// The action as one line of a commit file.
    public var json: String {
        var w = JSONObjectWriter()
        switch self {
        case .commitInfo(let c):
            w.object("commitInfo") { w in
                if let t = c.timestamp { w.int("timestamp", t) }
                if let o = c.operation { w.string("operation", o) }
                w.stringMap("operationParameters", c.operationParameters.mapValues { Optional($0) })
                if let r = c.readVersion { w.int("readVersion", r) }
                if let b = c.isBlindAppend { w.bool("isBlindAppend", b) }
                if !c.operationMetrics.isEmpty {
                    w.object("operationMetrics") { w in for k in c.operationMetrics.keys.sorted() { w.int(k, c.operationMetrics[k]!) } }
                }
                if let e = c.engineInfo { w.string("engineInfo", e) }
            }
        case .protocol(let raw):
            let p = raw.normalized
            w.object("protocol") { w in
                w.int("minReaderVersion", Int64(p.minReaderVersion))
                w.int("minWriterVersion", Int64(p.minWriterVersion))
                if let f = p.readerFeatures { w.stringArray("readerFeatures", f) }
                if let f = p.writerFeatures { w.stringArray("writerFeatures", f) }
            }
        case .metaData(let m):
            w.object("metaData") { w in
                w.string("id", m.id)
                if let n = m.name { w.string("name", n) }
                if let d = m.description { w.string("description", d) }
                w.object("format") { w in
                    w.string("provider", m.formatProvider)
                    w.stringMap("options", m.formatOptions.mapValues { Optional($0) })
                }
                w.string("schemaString", m.schemaString)
                w.stringArray("partitionColumns", m.partitionColumns)
                w.stringMap("configuration", m.configuration.mapValues { Optional($0) })
                if let t = m.createdTime { w.int("createdTime", t) }
            }
        case .add(let a):
            w.object("add") { w in
                w.string("path", a.path)
                w.stringMap("partitionValues", a.partitionValues)
                w.int("size", a.size)
                w.int("modificationTime", a.modificationTime)
                w.bool("dataChange", a.dataChange)
                if let s = a.stats { w.string("stats", s) }
                if let t = a.tags { w.stringMap("tags", t.mapValues { Optional($0) }) }
            }
        case .remove(let r):
            w.object("remove") { w in
                w.string("path", r.path)
                if let t = r.deletionTimestamp { w.int("deletionTimestamp", t) }
                w.bool("dataChange", r.dataChange)
                if let e = r.extendedFileMetadata { w.bool("extendedFileMetadata", e) }
                if let p = r.partitionValues { w.stringMap("partitionValues", p) }
                if let s = r.size { w.int("size", s) }
            }
        case .txn(let t):
            w.object("txn") { w in
                w.string("appId", t.appId)
                w.int("version", t.version)
                if let l = t.lastUpdated { w.int("lastUpdated", l) }
            }
        }
        return w.finish()
    }

    /// Parses one commit-file line. Returns nil for blank lines and for actions the engine
    /// does not model (readers must ignore unknown actions); throws for malformed JSON.
    static func parse(line: Substring, file: String) throws -> DeltaAction? {
        if line.allSatisfy(\.isWhitespace) { return nil }
        guard let obj = JSONObject.parse(line) else {
            throw DeltaError.corruptLog(file, "line is not a JSON object: \(line.prefix(120))")
        }
        return try parse(obj, file: file)
    }

    static func parse(_ obj: JSONObject, file: String) throws -> DeltaAction? {
        func missing(_ action: String, _ field: String) -> DeltaError {
            .corruptLog(file, "\(action) action without '\(field)'")
        }
        if let a = obj.object("add") {
            guard let path = a.string("path") else { throw missing("add", "path") }
            return .add(DeltaAddFile(
                path: path, partitionValues: a.stringMap("partitionValues") ?? [:], size: a.int("size") ?? 0,
                modificationTime: a.int("modificationTime") ?? 0, dataChange: a.bool("dataChange") ?? true,
                stats: a.string("stats"), tags: a.stringMap("tags")?.compactMapValues { $0 }))
        }
        if let r = obj.object("remove") {
            guard let path = r.string("path") else { throw missing("remove", "path") }
            return .remove(DeltaRemoveFile(
                path: path, deletionTimestamp: r.int("deletionTimestamp"), dataChange: r.bool("dataChange") ?? true,
                extendedFileMetadata: r.bool("extendedFileMetadata"), partitionValues: r.stringMap("partitionValues"),
                size: r.int("size")))
        }
        if let t = obj.object("txn") {
            guard let appId = t.string("appId") else { throw missing("txn", "appId") }
            guard let version = t.int("version") else { throw missing("txn", "version") }
            return .txn(DeltaTxn(appId: appId, version: version, lastUpdated: t.int("lastUpdated")))
        }
        if let m = obj.object("metaData") {
            guard let id = m.string("id") else { throw missing("metaData", "id") }
            guard let schema = m.string("schemaString") else { throw missing("metaData", "schemaString") }
            var meta = DeltaMetadata(
                id: id, name: m.string("name"), schemaString: schema, partitionColumns: m.stringArray("partitionColumns") ?? [],
                configuration: m.stringMap("configuration")?.compactMapValues { $0 } ?? [:], createdTime: m.int("createdTime"))
            meta.description = m.string("description")
            if let f = m.object("format") {
                meta.formatProvider = f.string("provider") ?? "parquet"
                meta.formatOptions = f.stringMap("options")?.compactMapValues { $0 } ?? [:]
            }
            return .metaData(meta)
        }
        if let p = obj.object("protocol") {
            guard let r = p.int("minReaderVersion"), let w = p.int("minWriterVersion") else { throw missing("protocol", "minReaderVersion") }
            return .protocol(DeltaProtocol(
                minReaderVersion: Int(r), minWriterVersion: Int(w), readerFeatures: p.stringArray("readerFeatures"),
                writerFeatures: p.stringArray("writerFeatures")))
        }
        if let c = obj.object("commitInfo") {
            var metrics: [String: Int64] = [:]
            if let m = c.object("operationMetrics") {
                for (k, v) in m.dict { if let n = v as? NSNumber { metrics[k] = n.int64Value } }
            }
            let params = c.object("operationParameters")?.dict.mapValues { v -> String in
                if let s = v as? String { return s }
                if let n = v as? NSNumber { return n.stringValue }
                return "\(v)"
            }
            return .commitInfo(DeltaCommitInfo(
                timestamp: c.int("timestamp"), operation: c.string("operation"), operationParameters: params ?? [:],
                engineInfo: c.string("engineInfo"), isBlindAppend: c.bool("isBlindAppend"), readVersion: c.int("readVersion"),
                operationMetrics: metrics))
        }
        return nil
    }

    /// Parses a whole commit file (public for the fuzz target and tools).
    public static func parseCommit(_ text: String, file: String) throws -> [DeltaAction] {
        try text.split(separator: "\n", omittingEmptySubsequences: true).compactMap { try parse(line: $0, file: file) }
    }
}
