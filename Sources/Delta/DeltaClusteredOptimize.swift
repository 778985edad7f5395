import Columnar
import Formats

/// The layout a table's files should have: what `optimize` (and auto-compaction) produce.
public struct DeltaLayout: Sendable, Hashable {
    /// The row order within written files (nil: kept as read).
    public var clustering: DeltaClustering?
    /// Files below this size are compacted; outputs are about this size.
    public var targetFileSize: Int64
    /// Rows per Parquet row group of written files: small enough that row-group statistics
    /// narrow a lookup to a few row groups of a clustered file, large enough to compress well.
    public var rowGroupRows: Int
    /// Auto-compaction: compact a partition once it holds this many files not yet in the layout
    /// (or this many small clustered files). Spark's `autoCompact.minNumFiles` is 50.
    public var minFiles: Int

    public init(clustering: DeltaClustering? = nil, targetFileSize: Int64 = 128 << 20, rowGroupRows: Int = 16_384, minFiles: Int = 50) {
        self.clustering = clustering
        self.targetFileSize = targetFileSize
        self.rowGroupRows = rowGroupRows
        self.minFiles = minFiles
    }
}

extension DeltaTable {
    /// Rewrites files into `layout` (one commit, `dataChange=false`, so streaming readers see
    /// no new data; fails with `concurrentModification` and changes nothing if a concurrent
    /// commit removed one of the files). In each partition (or those `partitionFilter` keeps):
    ///
    /// - `exhaustive` (the `optimize` command): every file not yet written in this layout and
    ///   every smaller than `targetFileSize`, when that is more than one file or any file not in
    ///   the layout, so a second run finds nothing to do;
    /// - otherwise (auto-compaction): the files not in the layout once there are `minFiles` of
    ///   them, and the small files in the layout once there are `minFiles` of those, so each row
    ///   is rewritten a few times at most, not at every compaction.
    ///
    /// Candidates are packed, in the order they were written, into bins of about
    /// `targetFileSize`; each bin is read, ordered by the clustering and written as files of
    /// about `targetFileSize` with row groups of `rowGroupRows` rows. A bin holds its rows in
    /// memory (a few times `targetFileSize`).
    @discardableResult
    public func optimize(
        layout: DeltaLayout, exhaustive: Bool = true, partitionFilter: ((_ values: [String: String?]) -> Bool)? = nil
    ) throws -> DeltaOptimizeResult {
        let snap = try snapshot()
        try snap.checkWritable()
        try layout.clustering?.check(snap.schema, partitionColumns: snap.partitionColumns, table: path)
        guard layout.targetFileSize > 0, layout.rowGroupRows > 0, layout.minFiles > 0 else {
            throw DeltaError.invalidArgument("target file size, row group rows and minimum files must be positive")
        }
        let tag = layout.clustering?.description ?? "compacted"
        var byPartition: [[String: String?]: [DeltaAddFile]] = [:]
        for f in snap.addFiles {
            if let partitionFilter, !partitionFilter(f.partitionValues) { continue }
            byPartition[f.partitionValues, default: []].append(f)
        }
        var writer = DeltaFileWriter(tablePath: path, schema: snap.schema, partitionColumns: snap.partitionColumns)
        writer.parquetOptions.rowGroupRowLimit = layout.rowGroupRows
        var result = DeltaOptimizeResult()
        var removed: [DeltaAddFile] = []
        var added: [DeltaAddFile] = []
        let keys = byPartition.keys.sorted {
            DeltaPartition.directory(columns: snap.partitionColumns, values: $0) < DeltaPartition.directory(columns: snap.partitionColumns, values: $1)
        }
        for key in keys {
            let files = byPartition[key]!
            let fresh = files.filter { $0.tags?[DeltaClustering.tagKey] != tag }
            let smallDone = files.filter { $0.tags?[DeltaClustering.tagKey] == tag && $0.size < layout.targetFileSize }
            var candidates: [DeltaAddFile] = []
            if exhaustive {
                if !fresh.isEmpty || smallDone.count > 1 { candidates = fresh.filter { $0.size < layout.targetFileSize || layout.clustering != nil } + smallDone }
            } else {
                if fresh.count >= layout.minFiles { candidates += fresh }
                if smallDone.count >= layout.minFiles { candidates += smallDone }
            }
            if layout.clustering == nil && candidates.count < 2 { continue }
            guard !candidates.isEmpty else { continue }
            candidates.sort { ($0.modificationTime, $0.path) < ($1.modificationTime, $1.path) }
            var bins: [[DeltaAddFile]] = [[]]
            var binSize: Int64 = 0
            for f in candidates {
                if binSize + f.size > layout.targetFileSize && !bins[bins.count - 1].isEmpty {
                    bins.append([])
                    binSize = 0
                }
                bins[bins.count - 1].append(f)
                binSize += f.size
            }
            for bin in bins {
                var metrics = DeltaScanMetrics()
                var rows = try snap.readFiles(bin, columns: snap.dataSchema.names, metrics: &metrics)
                if let clustering = layout.clustering { rows = rows.take(try clustering.permutation(rows)) }
                let inputBytes = max(1, bin.reduce(Int64(0)) { $0 + $1.size })
                let rowsPerFile = max(layout.rowGroupRows, Int(Int64(rows.rowCount) * layout.targetFileSize / inputBytes))
                var start = 0
                while start < rows.rowCount {
                    let end = min(rows.rowCount, start + rowsPerFile)
                    let part = start == 0 && end == rows.rowCount ? rows : rows.slice(start..<end)
                    var add = try writer.writeFile(part, partitionValues: key, dataChange: false)
                    add.tags = (add.tags ?? [:]).merging([DeltaClustering.tagKey: tag]) { $1 }
                    added.append(add)
                    start = end
                }
                removed += bin
            }
            result.partitionsCompacted += 1
        }
        guard !removed.isEmpty else { return result }
        var parameters = ["predicate": "[]", "targetSize": String(layout.targetFileSize), "auto": String(!exhaustive)]
        if case .zOrder(let c) = layout.clustering { parameters["zOrderBy"] = "[" + c.map { "\"\($0)\"" }.joined(separator: ",") + "]" }
        if case .sort(let c) = layout.clustering { parameters["sortBy"] = "[" + c.map { "\"\($0)\"" }.joined(separator: ",") + "]" }
        let info = DeltaCommitInfo(
            timestamp: nil, operation: "OPTIMIZE", operationParameters: parameters,
            operationMetrics: ["numRemovedFiles": Int64(removed.count), "numAddedFiles": Int64(added.count)])
        try commitCompaction(info, removed: removed, added: added, into: &result)
        return result
    }
}
