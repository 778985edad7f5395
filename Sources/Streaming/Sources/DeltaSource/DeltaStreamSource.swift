import Columnar
import Foundation
import Delta
import Sinks
import Synchronization

/// Streams a Delta table by following its log.
///
/// The first batch is the table as of the version current when the query first starts (its
/// live files in path order); after that each commit's `add` actions with `dataChange=true`
/// are new data, in log order. Compaction (`dataChange=false`) delivers nothing. Commits that
/// remove data (complete-mode rewrites, backfills) deliver their added files and do not
/// propagate the removal, like Spark's `ignoreChanges`.
///
/// The offset is a position in that sequence: `{"version":V,"index":I,"isStartingVersion":B}`
/// = every file up to and including file `I` of version `V` (`-1`: none of V yet). It allows
/// `maxFilesPerTrigger` to split a large version, and `getBatch` is deterministic because
/// commits never change. Files are found through the log only, never by listing.
final class DeltaStreamSource: StreamSource {
    let schema: Schema
    let description: String
    private let table: DeltaTable
    private let columns: [String]
    private let state = Mutex(State())

    private struct State {
        /// Files of each unit already looked up (commits are immutable).
        var units: [Position.Unit: [DeltaAddFile]] = [:]
        /// The newest version `availableNow` may read.
        var availableNowVersion: Int64?
    }

    /// A place in the stream of files.
    struct Position: Equatable {
        struct Unit: Hashable {
            var version: Int64
            var isStartingVersion: Bool
        }
        var unit: Unit
        var index: Int

        var json: String {
            "{\"sourceVersion\":1,\"version\":\(unit.version),\"index\":\(index),\"isStartingVersion\":\(unit.isStartingVersion)}"
        }

        init(version: Int64, index: Int, isStartingVersion: Bool) {
            unit = Unit(version: version, isStartingVersion: isStartingVersion)
            self.index = index
        }

        init(_ offset: SourceOffset) throws {
            struct Shape: Decodable { var version: Int64; var index: Int; var isStartingVersion: Bool }
            guard let s = try? JSONDecoder().decode(Shape.self, from: Data(offset.json.utf8)) else {
                throw SourceError.badOffset(offset.json)
            }
            self.init(version: s.version, index: s.index, isStartingVersion: s.isStartingVersion)
        }
    }

    init(table: DeltaTable, columns: [String]?) throws {
        self.table = table
        let snap = try table.snapshot()
        let names = columns.map { c in snap.schema.names.filter { c.contains($0) } } ?? snap.schema.names
        self.columns = names
        self.schema = Schema(names.map { snap.schema.field($0)! })
        self.description = "DeltaSource[\(table.path)]"
    }

    func prepareForAvailableNow() throws {
        let v = try table.snapshot().version
        state.withLock { $0.availableNowVersion = v }
    }

    func latestOffset(start: SourceOffset?, limit: ReadLimit) throws -> SourceOffset? {
        let snap = try table.snapshot()
        let newest = state.withLock { $0.availableNowVersion } ?? snap.version
        var pos = try start.map(Position.init) ?? Position(version: newest, index: -1, isStartingVersion: true)
        var budget: Int
        switch limit {
        case .maxFiles(let f), .maxFilesAndBytes(let f, _): budget = max(1, f)
        default: budget = .max
        }
        var taken = 0
        while budget > 0 {
            let files = try self.files(pos.unit)
            let remaining = files.count - (pos.index + 1)
            if remaining > 0 {
                let n = min(remaining, budget)
                pos.index += n
                budget -= n
                taken += n
                continue
            }
            // The first offset stays within the starting snapshot, so that `getBatch` from no
            // offset knows where the stream began.
            guard start != nil, pos.unit.version < newest else { break }
            pos = Position(version: pos.unit.version + 1, index: -1, isStartingVersion: false)
        }
        if let start, taken == 0 { return start }
        return SourceOffset(json: pos.json)
    }

    func getBatch(start: SourceOffset?, end: SourceOffset, batchId: Int64) throws -> SourceBatch {
        let to = try Position(end)
        guard start != nil || to.unit.isStartingVersion else { throw SourceError.badOffset(end.json) }
        var pos = try start.map(Position.init) ?? Position(version: to.unit.version, index: -1, isStartingVersion: true)
        var selected: [DeltaAddFile] = []
        while true {
            let files = try self.files(pos.unit)
            let last = pos.unit == to.unit ? to.index : files.count - 1
            if last > pos.index { selected += files[(pos.index + 1)...last] }
            if pos.unit == to.unit { break }
            guard pos.unit.version < to.unit.version else { throw SourceError.badOffset(end.json) }
            pos = Position(version: pos.unit.version + 1, index: -1, isStartingVersion: false)
        }
        let snap = try table.snapshot()
        var metrics = DeltaScanMetrics()
        let batch = try snap.readFiles(selected, columns: columns, metrics: &metrics)
        return SourceBatch(batch: batch, malformedRows: 0)
    }

    func commit(_ end: SourceOffset) throws {
        // Units before the committed one will not be asked for again.
        let pos = try Position(end)
        state.withLock { s in s.units = s.units.filter { $0.key.version >= pos.unit.version } }
    }

    /// The files a unit delivers: the snapshot's live files (starting version) or a commit's
    /// data-changing adds.
    private func files(_ unit: Position.Unit) throws -> [DeltaAddFile] {
        if let f = state.withLock({ $0.units[unit] }) { return f }
        let files: [DeltaAddFile]
        if unit.isStartingVersion {
            files = try table.snapshot(version: unit.version).addFiles
        } else {
            guard let actions = try table.commitActions(version: unit.version) else {
                throw SourceError.deltaVersionMissing(table: table.path, version: unit.version)
            }
            files = actions.compactMap { if case .add(let a) = $0, a.dataChange { return a } else { return nil } }
            for a in actions {
                if case .metaData(let m) = a, m.partitionColumns != (try table.snapshot().partitionColumns) {
                    throw SourceError.deltaSchemaChanged(table: table.path, version: unit.version)
                }
            }
        }
        state.withLock { $0.units[unit] = files }
        return files
    }
}
