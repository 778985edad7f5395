import Columnar
import Formats

/// What `optimize` did.
public struct DeltaOptimizeResult: Sendable, Equatable {
    /// The commit, or nil when there was nothing to compact.
    public var version: Int64?
    public var partitionsCompacted = 0
    public var filesRemoved = 0
    public var filesAdded = 0
    public var bytesRemoved: Int64 = 0
    public var bytesAdded: Int64 = 0
}

extension DeltaTable {
    /// Compacts small files: in every partition (or only those matching `partitionFilter`)
    /// holding at least `minFiles` files smaller than `targetFileSize`, rewrites them as one
    /// file per `targetFileSize` of input. One commit removes the small files and adds the new
    /// ones, all with `dataChange=false`, so streaming readers see no new data. If a concurrent
    /// commit removed any of the files being compacted, the compaction fails and nothing changes.
    public func optimize(
        targetFileSize: Int64 = 128 << 20, minFiles: Int = 2, partitionFilter: ((_ values: [String: String?]) -> Bool)? = nil
    ) throws -> DeltaOptimizeResult {
        let snap = try snapshot()
        // Before any file is written: a table this engine may not write gets no orphans either.
        try snap.checkWritable()
        var byPartition: [[String: String?]: [DeltaAddFile]] = [:]
        for f in snap.addFiles where f.size < targetFileSize {
            if let partitionFilter, !partitionFilter(f.partitionValues) { continue }
            byPartition[f.partitionValues, default: []].append(f)
        }
        let writer = DeltaFileWriter(tablePath: path, schema: snap.schema, partitionColumns: snap.partitionColumns)
        let dataSchema = snap.dataSchema
        var result = DeltaOptimizeResult()
        var removed: [DeltaAddFile] = []
        var added: [DeltaAddFile] = []
        let keys = byPartition.keys.sorted { DeltaPartition.directory(columns: snap.partitionColumns, values: $0) < DeltaPartition.directory(columns: snap.partitionColumns, values: $1) }
        for key in keys {
            let files = byPartition[key]!
            guard files.count >= minFiles else { continue }
            // Bins of input files adding up to about one target-sized output file each.
            var bins: [[DeltaAddFile]] = [[]]
            var binSize: Int64 = 0
            for f in files {
                if binSize + f.size > targetFileSize && !bins[bins.count - 1].isEmpty {
                    bins.append([])
                    binSize = 0
                }
                bins[bins.count - 1].append(f)
                binSize += f.size
            }
            for bin in bins where bin.count >= 2 {
                var metrics = DeltaScanMetrics()
                let rows = try snap.readFiles(bin, columns: dataSchema.names, metrics: &metrics)
                let add = try writer.writeFile(rows, partitionValues: key, dataChange: false)
                removed += bin
                added.append(add)
            }
            if bins.contains(where: { $0.count >= 2 }) { result.partitionsCompacted += 1 }
        }
        guard !removed.isEmpty else { return result }
        let info = DeltaCommitInfo(
            timestamp: nil, operation: "OPTIMIZE",
            operationParameters: ["predicate": "[]", "targetSize": String(targetFileSize)],
            operationMetrics: ["numRemovedFiles": Int64(removed.count), "numAddedFiles": Int64(added.count)])
        try commitCompaction(info, removed: removed, added: added, into: &result)
        return result
    }
}

extension DeltaTable {
    /// Commits a rewrite of `removed` into `added` (`dataChange: false`, so streaming readers skip
    /// it), refused when another writer removed one of the files meanwhile, and fills `result`.
    func commitCompaction(
        _ info: DeltaCommitInfo, removed: [DeltaAddFile], added: [DeltaAddFile], into result: inout DeltaOptimizeResult
    ) throws {
        let commit = try self.commit(info) { base in
            guard let base else { throw DeltaError.notATable(self.path) }
            for f in removed where base.files[f.path] == nil {
                throw DeltaError.concurrentModification(self.path, "file \(f.path) was removed while being compacted; run optimize again")
            }
            let now = currentTimeMillis()
            return removed.map { .remove($0.remove(at: now, dataChange: false)) } + added.map { .add($0) }
        }
        if case .committed(let v) = commit { result.version = v }
        result.filesRemoved = removed.count
        result.filesAdded = added.count
        result.bytesRemoved = removed.reduce(0) { $0 + $1.size }
        result.bytesAdded = added.reduce(0) { $0 + $1.size }
    }
}
