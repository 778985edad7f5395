/// What happened in one micro-batch, modelled on Spark's StreamingQueryProgress
/// (same field names, so dashboards and people who know Spark can read it).
public struct StreamingQueryProgress: Codable, Sendable, Equatable {
    public var id: String
    public var runId: String
    public var name: String?
    /// ISO-8601 time the trigger started.
    public var timestamp: String
    public var batchId: Int64
    public var numInputRows: Int64
    /// Input rows divided by the time since the previous trigger started.
    public var inputRowsPerSecond: Double
    /// Input rows divided by this trigger's duration.
    public var processedRowsPerSecond: Double
    /// Phase durations in ms: latestOffset, walCommit (offsets/N), getBatch (read and parse),
    /// execution (the plan's operators; Spark counts this inside addBatch), stateCommit,
    /// addBatch (the sink), commitOffsets (commits/N), triggerExecution (the whole trigger).
    public var durationMs: [String: Int64]
    /// min, max, avg event time of the batch and the watermark (ISO-8601), when the query has event time.
    public var eventTime: [String: String]
    public var stateOperators: [StateOperatorProgress]
    public var sources: [SourceProgress]
    public var sink: SinkProgress
    /// Each lookup join's cache hits and misses and table calls in the batch; nil when the
    /// query has none (a Sluice addition to Spark's record).
    public var lookupJoins: [LookupJoinProgress]? = nil
    /// The version of each refreshable static table the batch joined with; nil when the query
    /// has none (a Sluice addition).
    public var staticTables: [StaticTableProgress]? = nil

    /// Pretty JSON, as `sluice progress` prints it.
    public var json: String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? e.encode(self)) ?? Data(), as: UTF8.self)
    }
}

/// One source's part of a progress record.
public struct SourceProgress: Codable, Sendable, Equatable {
    public var description: String
    public var startOffset: String?
    public var endOffset: String?
    public var latestOffset: String?
    public var numInputRows: Int64
    /// Lines rejected by the reader (dropped, or kept with a corrupt-record column).
    public var numMalformedRows: Int64
    public var inputRowsPerSecond: Double
    public var processedRowsPerSecond: Double
    /// Source-specific figures, as Spark's `SourceProgress.metrics` (the file source:
    /// `numChangedFiles`, and `changedFiles`, a JSON array of the first 20 paths;
    /// `backlogFiles`/`backlogBytes`, files listed but not taken yet; `malformedLines`, a JSON
    /// array of the first 5 rejected lines as `path:line: reason`).
    public var metrics: [String: String]? = nil
}

/// The sink's part of a progress record.
public struct SinkProgress: Codable, Sendable, Equatable {
    public var description: String
    public var numOutputRows: Int64
}

/// A stateful operator's part of a progress record.
public struct StateOperatorProgress: Codable, Sendable, Equatable {
    public var operatorName: String
    public var numRowsTotal: Int64
    public var numRowsUpdated: Int64
    public var numRowsRemoved: Int64
    public var memoryUsedBytes: Int64
    public var numRowsDroppedByWatermark: Int64
}

import Foundation
