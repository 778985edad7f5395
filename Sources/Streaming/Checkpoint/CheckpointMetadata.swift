import Foundation
import Formats
import Delta
import Sinks

/// The sink a checkpoint last ran with, so `sluice recover` finds a Delta table without being told.
public struct SinkIdentity: Codable, Sendable, Equatable, CustomStringConvertible {
    /// `delta`, or the sink's own description for other sinks (`MemorySink[name]`, `ForeachBatchSink`).
    public var kind: String
    /// A Delta table's absolute path.
    public var path: String?

    public init(kind: String, path: String? = nil) {
        self.kind = kind
        self.path = path
    }

    init(_ sink: any Sink) {
        if let delta = sink as? DeltaSink {
            self.init(kind: "delta", path: delta.table.path)
        } else {
            self.init(kind: sink.description)
        }
    }

    public var description: String { path.map { "\(kind) table \($0)" } ?? kind }
}

/// `metadata`: the query id, fixed when the checkpoint is created and kept across restarts, and
/// what the offsets and state in the checkpoint belong to: the sources, the stateful operators'
/// definitions and the sink. Files written before those were recorded have only the id and get
/// the rest on their next start.
struct CheckpointMetadata: Codable, Sendable {
    var id: String
    var formatVersion: Int
    var sources: [SourceIdentity]?
    var operators: [OperatorShape]?
    var sink: SinkIdentity?
    /// The first batch run with `sink`: `commits/N` before it describe another sink. nil when
    /// the sink was recorded by its first batch's run or before sinks were told apart.
    var sinkSinceBatch: Int64?

    init(id: String, formatVersion: Int) {
        self.id = id
        self.formatVersion = formatVersion
    }

    /// Reads the checkpoint's metadata, or nil if there is none yet.
    static func load(_ layout: CheckpointLayout) throws -> CheckpointMetadata? {
        let path = layout.metadata
        guard let bytes = try Storage.at(path).readIfPresent(path) else { return nil }
        guard let meta = try? JSONDecoder().decode(CheckpointMetadata.self, from: Data(bytes)) else {
            throw CheckpointError.damaged(path: path, reason: "not the expected JSON {\"id\":...,\"formatVersion\":1}")
        }
        guard meta.formatVersion == 1 else {
            throw CheckpointError.incompatible(path: path, reason: "format version \(meta.formatVersion) is not supported (this build reads version 1)")
        }
        return meta
    }

    /// Reads the checkpoint's metadata, creating it with a new id on first use. Created
    /// put-if-absent: of two first runs on an object store (no lock there) both get the id of
    /// the one that created it, so the sink never sees two query ids for one checkpoint.
    static func loadOrCreate(_ layout: CheckpointLayout) throws -> CheckpointMetadata {
        if let meta = try load(layout) { return meta }
        let meta = CheckpointMetadata(id: UUID().uuidString.lowercased(), formatVersion: 1)
        let storage = Storage.at(layout.metadata)
        if try storage.createExclusively(layout.metadata, Array(try JSONEncoder.sorted.encode(meta)), role: .restricted) { return meta }
        guard let winner = try load(layout) else { throw CheckpointError.damaged(path: layout.metadata, reason: "created and gone again") }
        return winner
    }

    func write(_ layout: CheckpointLayout) throws {
        try Storage.at(layout.metadata).writeAtomically(layout.metadata, Array(try JSONEncoder.sorted.encode(self)), role: .restricted)
    }

    /// Checks that this run reads the same sources and keeps state for the same operators as the
    /// runs before, then records them and the sink. Before the first batch was planned anything
    /// may change (no offset or state refers to it yet); a checkpoint that never recorded them
    /// (written by an older version) gets them recorded now.
    /// - Parameter nextBatch: the batch this run starts with (a pending one included); nil when
    ///   no batch was planned yet.
    mutating func adopt(sources: [SourceIdentity], operators: [OperatorShape], sink: SinkIdentity, nextBatch: Int64?, layout: CheckpointLayout)
        throws
    {
        let hasBatches = nextBatch != nil
        if hasBatches, let old = self.sources, old != sources {
            let lines = zip(old, sources).enumerated().filter { $1.0 != $1.1 }.map { i, pair in
                "source \(i) was \(pair.0), now \(pair.1)"
            }
            let reason = old.count != sources.count ? "it was written for \(old.count) source(s), this query reads \(sources.count)" : lines.joined(separator: "; ")
            throw CheckpointError.queryChanged(
                path: layout.root,
                reason: "\(reason): its offsets describe the old source's data. Point the query back at the old source, or start it with a new checkpointLocation")
        }
        if hasBatches, let old = self.operators, old != operators {
            var lines: [String] = []
            for i in 0..<max(old.count, operators.count) {
                switch (i < old.count ? old[i] : nil, i < operators.count ? operators[i] : nil) {
                case (let o?, let n?) where o != n:
                    lines.append("operator \(i) (\(o.kind)): " + n.changes(from: o).joined(separator: ", "))
                case (let o?, nil): lines.append("operator \(i) (\(o.kind)) is no longer in the query")
                case (nil, let n?): lines.append("operator \(i) (\(n.kind)) is new")
                default: break
                }
            }
            throw CheckpointError.queryChanged(
                path: layout.root,
                reason: "its state was built by another query definition: \(lines.joined(separator: "; ")). "
                    + "Keep the old definition, or start the changed query with a new checkpointLocation (replay the time range to backfill it)")
        }
        let changed = self.sources != sources || self.operators != operators || self.sink != sink
        if let old = self.sink, old != sink, let nextBatch, nextBatch > 0 { sinkSinceBatch = nextBatch }
        self.sources = sources
        self.operators = operators
        self.sink = sink
        if changed { try write(layout) }
    }

    /// Whether `commits/<batch>` was written with the sink recorded now, so its `lastSinkBatch`
    /// describes this sink.
    func commitDescribesCurrentSink(_ batch: Int64) -> Bool { batch >= (sinkSinceBatch ?? 0) }
}
