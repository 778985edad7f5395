import Columnar
import Formats

/// Classic (V1) checkpoints: `_delta_log/<v>.checkpoint.parquet` holding the replayed state
/// (one action per row, one optional struct column per action type), plus `_last_checkpoint`
/// (Delta PROTOCOL.md, "Checkpoints" and "Last Checkpoint File"). Readers start from the newest one instead of replaying every commit.
enum DeltaCheckpoint {
    static func stringMap(_ name: String) -> ParquetNode { .map(name, .optional, key: .string, value: .string) }

    /// The checkpoint schema (what Spark and delta-rs read; nested encoding per C11).
    static let schema: [ParquetNode] = [
        .group("txn", .optional, [.leaf("appId", .string, .optional), .leaf("version", .int64, .optional), .leaf("lastUpdated", .int64, .optional)]),
        .group("add", .optional, [
            .leaf("path", .string, .optional), stringMap("partitionValues"), .leaf("size", .int64, .optional),
            .leaf("modificationTime", .int64, .optional), .leaf("dataChange", .bool, .optional), .leaf("stats", .string, .optional),
            stringMap("tags"),
        ]),
        .group("remove", .optional, [
            .leaf("path", .string, .optional), .leaf("deletionTimestamp", .int64, .optional), .leaf("dataChange", .bool, .optional),
            .leaf("extendedFileMetadata", .bool, .optional), stringMap("partitionValues"), .leaf("size", .int64, .optional),
        ]),
        .group("metaData", .optional, [
            .leaf("id", .string, .optional), .leaf("name", .string, .optional), .leaf("description", .string, .optional),
            .group("format", .optional, [.leaf("provider", .string, .optional), stringMap("options")]),
            .leaf("schemaString", .string, .optional), .list("partitionColumns", .optional, element: .string),
            stringMap("configuration"), .leaf("createdTime", .int64, .optional),
        ]),
        .group("protocol", .optional, [
            .int32("minReaderVersion", .optional), .int32("minWriterVersion", .optional),
            .list("readerFeatures", .optional, element: .string), .list("writerFeatures", .optional, element: .string),
        ]),
    ]

    // MARK: - Writing

    /// Writes a checkpoint of `snapshot` (durably) and points `_last_checkpoint` at it.
    static func write(_ snapshot: DeltaSnapshot, log: DeltaLog) throws {
        var rows: [[String: ParquetRecordValue]] = []
        func s(_ v: String?) -> ParquetRecordValue { v.map { .scalar(.string($0)) } ?? .null }
        func i(_ v: Int64?) -> ParquetRecordValue { v.map { .scalar(.int64($0)) } ?? .null }
        func b(_ v: Bool?) -> ParquetRecordValue { v.map { .scalar(.bool($0)) } ?? .null }
        func m(_ v: [String: String?]?) -> ParquetRecordValue {
            v.map { d in .map(d.keys.sorted().map { (key: $0, value: d[$0]!) }) } ?? .null
        }
        let p = snapshot.tableProtocol.normalized
        rows.append(["protocol": .group([
            "minReaderVersion": i(Int64(p.minReaderVersion)), "minWriterVersion": i(Int64(p.minWriterVersion)),
            "readerFeatures": p.readerFeatures.map { .list($0) } ?? .null, "writerFeatures": p.writerFeatures.map { .list($0) } ?? .null,
        ])])
        let md = snapshot.metadata
        rows.append(["metaData": .group([
            "id": s(md.id), "name": s(md.name), "description": s(md.description),
            "format": .group(["provider": s(md.formatProvider), "options": m(md.formatOptions.mapValues { Optional($0) })]),
            "schemaString": s(md.schemaString), "partitionColumns": .list(md.partitionColumns),
            "configuration": m(md.configuration.mapValues { Optional($0) }), "createdTime": i(md.createdTime),
        ])])
        for t in snapshot.transactions.values.sorted(by: { $0.appId < $1.appId }) {
            rows.append(["txn": .group(["appId": s(t.appId), "version": i(t.version), "lastUpdated": i(t.lastUpdated)])])
        }
        for a in snapshot.addFiles {
            rows.append(["add": .group([
                "path": s(a.path), "partitionValues": m(a.partitionValues), "size": i(a.size),
                "modificationTime": i(a.modificationTime), "dataChange": b(a.dataChange), "stats": s(a.stats),
                "tags": m(a.tags?.mapValues { Optional($0) }),
            ])])
        }
        // Tombstones are kept for vacuum's retention window (they only matter to time travel).
        let retention = (try? snapshot.deletedFileRetentionMillis()) ?? DeltaTable.defaultVacuumRetentionMillis
        let cutoff = currentTimeMillis() - retention
        for r in snapshot.tombstones.values.sorted(by: { $0.path < $1.path }) where (r.deletionTimestamp ?? .max) > cutoff {
            rows.append(["remove": .group([
                "path": s(r.path), "deletionTimestamp": i(r.deletionTimestamp), "dataChange": b(r.dataChange),
                "extendedFileMetadata": b(r.extendedFileMetadata), "partitionValues": m(r.partitionValues), "size": i(r.size),
            ])])
        }
        let bytes = try ParquetNestedWriter.write(schema: schema, records: rows)
        let path = log.checkpointPath(snapshot.version)
        if try !log.storage.exists(path) { try log.storage.writeAtomically(path, bytes, role: .table) }
        var w = JSONObjectWriter()
        w.int("version", snapshot.version)
        w.int("size", Int64(rows.count))
        w.int("sizeInBytes", Int64(bytes.count))
        w.int("numOfAddFiles", Int64(snapshot.files.count))
        // Another writer may have checkpointed a newer version meanwhile: never move backwards.
        if (log.lastCheckpointVersion() ?? -1) < snapshot.version {
            try log.storage.writeAtomically(log.lastCheckpointPath, Array(w.finish().utf8), role: .table)
        }
    }

    // MARK: - Reading

    /// The replay state stored in checkpoint `version` (ours, delta-rs's or Spark's).
    static func read(log: DeltaLog, version: Int64) throws -> DeltaSnapshot.Builder {
        let path = log.checkpointPath(version)
        let file = try ParquetNestedFile(path: path)
        let reader = CheckpointColumns(file: file)
        var b = DeltaSnapshot.Builder()
        let n = file.rowCount

        // protocol
        let pR = try reader.scalars(["protocol", "minReaderVersion"], rows: n)
        let pW = try reader.scalars(["protocol", "minWriterVersion"], rows: n)
        let pRF = try reader.lists(["protocol", "readerFeatures"], rows: n)
        let pWF = try reader.lists(["protocol", "writerFeatures"], rows: n)
        for r in 0..<n {
            if case .int64(let rv)? = pR[r], case .int64(let wv)? = pW[r] {
                // Normalized: a null feature list may decode as an empty one (see `lists`).
                b.tableProtocol = DeltaProtocol(
                    minReaderVersion: Int(rv), minWriterVersion: Int(wv), readerFeatures: pRF[r].map { $0.compactMap { $0 } },
                    writerFeatures: pWF[r].map { $0.compactMap { $0 } }).normalized
            }
        }
        // metaData
        let mId = try reader.strings(["metaData", "id"], rows: n)
        if let r = mId.firstIndex(where: { $0 != nil }) {
            let schemaString = try reader.strings(["metaData", "schemaString"], rows: n)[r]
            guard let schemaString else { throw DeltaError.corruptLog(path, "metaData without schemaString") }
            var md = DeltaMetadata(
                id: mId[r]!, name: try reader.strings(["metaData", "name"], rows: n)[r], schemaString: schemaString,
                partitionColumns: (try reader.lists(["metaData", "partitionColumns"], rows: n)[r] ?? []).compactMap { $0 },
                configuration: (try reader.maps(["metaData", "configuration"], rows: n)[r] ?? [:]).compactMapValues { $0 },
                createdTime: try reader.ints(["metaData", "createdTime"], rows: n)[r])
            md.description = try reader.strings(["metaData", "description"], rows: n)[r]
            md.formatProvider = try reader.strings(["metaData", "format", "provider"], rows: n)[r] ?? "parquet"
            md.formatOptions = (try reader.maps(["metaData", "format", "options"], rows: n)[r] ?? [:]).compactMapValues { $0 }
            b.metadata = md
        }
        // txn
        let tApp = try reader.strings(["txn", "appId"], rows: n)
        let tVer = try reader.ints(["txn", "version"], rows: n)
        let tUpd = try reader.ints(["txn", "lastUpdated"], rows: n)
        for r in 0..<n { if let app = tApp[r], let v = tVer[r] { b.transactions[app] = DeltaTxn(appId: app, version: v, lastUpdated: tUpd[r]) } }
        // add
        let aPath = try reader.strings(["add", "path"], rows: n)
        if aPath.contains(where: { $0 != nil }) {
            let pv = try reader.maps(["add", "partitionValues"], rows: n)
            let size = try reader.ints(["add", "size"], rows: n)
            let mod = try reader.ints(["add", "modificationTime"], rows: n)
            let dc = try reader.bools(["add", "dataChange"], rows: n)
            let stats = try reader.strings(["add", "stats"], rows: n)
            let tags = try reader.maps(["add", "tags"], rows: n)
            for r in 0..<n {
                guard let p = aPath[r] else { continue }
                b.files[p] = DeltaAddFile(
                    path: p, partitionValues: pv[r] ?? [:], size: size[r] ?? 0, modificationTime: mod[r] ?? 0, dataChange: dc[r] ?? true,
                    stats: stats[r], tags: tags[r]?.compactMapValues { $0 })
            }
        }
        // remove
        let rPath = try reader.strings(["remove", "path"], rows: n)
        if rPath.contains(where: { $0 != nil }) {
            let del = try reader.ints(["remove", "deletionTimestamp"], rows: n)
            let dc = try reader.bools(["remove", "dataChange"], rows: n)
            let size = try reader.ints(["remove", "size"], rows: n)
            let pv = try reader.maps(["remove", "partitionValues"], rows: n)
            for r in 0..<n {
                guard let p = rPath[r] else { continue }
                b.tombstones[p] = DeltaRemoveFile(path: p, deletionTimestamp: del[r], dataChange: dc[r] ?? true, partitionValues: pv[r], size: size[r])
            }
        }
        guard b.tableProtocol != nil, b.metadata != nil else {
            throw DeltaError.corruptLog(path, "checkpoint lacks protocol or metaData")
        }
        for p in b.files.keys { try DeltaSnapshot.Builder.checkPath(p, "add", version: version, tablePath: log.tablePath, logFile: path) }
        for p in b.tombstones.keys { try DeltaSnapshot.Builder.checkPath(p, "remove", version: version, tablePath: log.tablePath, logFile: path) }
        return b
    }
}

/// Per-row access to checkpoint columns; a column the file lacks reads as all null.
private struct CheckpointColumns {
    let file: ParquetNestedFile

    /// Per row: the leaf's value if present.
    func scalars(_ path: [String], rows: Int) throws -> [Value?] {
        guard let info = file.leaf(path) else { return Array(repeating: nil, count: rows) }
        let recs = try file.read(path).records(maxDefinitionLevel: info.maxDefinitionLevel)
        guard recs.count == rows else { throw DeltaError.corruptLog(path.joined(separator: "."), "column has \(recs.count) rows, the checkpoint \(rows)") }
        return recs.map { $0.first?.value }
    }

    func strings(_ path: [String], rows: Int) throws -> [String?] {
        try scalars(path, rows: rows).map { if case .string(let s)? = $0 { return s } else { return nil } }
    }

    func ints(_ path: [String], rows: Int) throws -> [Int64?] {
        try scalars(path, rows: rows).map { if case .int64(let x)? = $0 { return x } else { return nil } }
    }

    func bools(_ path: [String], rows: Int) throws -> [Bool?] {
        try scalars(path, rows: rows).map { if case .bool(let x)? = $0 { return x } else { return nil } }
    }

    /// Per row: the map (nil when the map itself is null), from its key and value leaves.
    func maps(_ path: [String], rows: Int) throws -> [[String: String?]?] {
        let leaves = file.leaves.filter { $0.path.count == path.count + 2 && Array($0.path.prefix(path.count)) == path }
        guard leaves.count == 2, let keyInfo = leaves.first(where: { $0.path.last == "key" }),
            let valueInfo = leaves.first(where: { $0.path.last == "value" })
        else { return Array(repeating: nil, count: rows) }
        let keys = try file.read(keyInfo.path).records(maxDefinitionLevel: keyInfo.maxDefinitionLevel)
        let values = try file.read(valueInfo.path).records(maxDefinitionLevel: valueInfo.maxDefinitionLevel)
        guard keys.count == rows, values.count == rows else { throw DeltaError.corruptLog(path.joined(separator: "."), "map column row count differs") }
        // The map group is defined at (key's max definition - 2): key_value repeated, key required.
        let mapDefined = keyInfo.maxDefinitionLevel - 1
        return (0..<rows).map { r in
            guard let first = keys[r].first, first.definition >= mapDefined else { return nil }
            var out: [String: String?] = [:]
            for (k, v) in zip(keys[r], values[r]) {
                guard case .string(let key)? = k.value else { continue }
                if case .string(let s)? = v.value { out[key] = .some(s) } else { out[key] = .some(nil) }
            }
            return out
        }
    }

    /// Per row: the list of strings (nil when the list is null). The list's own definition
    /// level is taken as two below the leaf's, which holds for optional elements (ours,
    /// Spark's); with required elements (delta-rs) a null list reads as an empty one, which
    /// callers must treat alike (`DeltaProtocol.normalized`).
    func lists(_ path: [String], rows: Int) throws -> [[String?]?] {
        guard let info = file.leaves.first(where: { $0.path.count == path.count + 2 && Array($0.path.prefix(path.count)) == path }) else {
            return Array(repeating: nil, count: rows)
        }
        let recs = try file.read(info.path).records(maxDefinitionLevel: info.maxDefinitionLevel)
        guard recs.count == rows else { throw DeltaError.corruptLog(path.joined(separator: "."), "list column row count differs") }
        let listDefined = info.maxDefinitionLevel - 2
        return recs.map { entries in
            guard let first = entries.first, first.definition >= listDefined else { return nil }
            var out: [String?] = []
            // An entry at exactly `listDefined` marks an empty list.
            for e in entries where e.definition > listDefined {
                if case .string(let s)? = e.value { out.append(s) } else { out.append(nil) }
            }
            return out
        }
    }
}
