import Columnar
import Formats
import Foundation

/// Writes rows as the data files of a table: one zstd Parquet file per partition (split
/// further past `maxRowsPerFile`), partition columns left out of the file, each file durable
/// (temp, fsync, rename, fsync directory; on S3 a PUT, multipart when large) before its `add`
/// is returned.
package struct DeltaFileWriter {
    package let tablePath: String
    package let schema: Schema
    package let partitionColumns: [String]
    var parquetOptions = ParquetWriterOptions()
    var maxRowsPerFile = 5_000_000

    package init(tablePath: String, schema: Schema, partitionColumns: [String]) {
        self.tablePath = tablePath
        self.schema = schema
        self.partitionColumns = partitionColumns
    }

    /// Writes `batch` (which has `schema`) and returns one `add` per file, in partition order.
    package func write(_ batch: RecordBatch, dataChange: Bool = true) throws -> [DeltaAddFile] {
        guard batch.rowCount > 0 else { return [] }
        let dataColumns = schema.fields.indices.filter { !partitionColumns.contains(schema.fields[$0].name) }
        // Every column nullable in files, matching the Delta schema (Delta PROTOCOL.md, "Schema Serialization Format").
        let fileSchema = Schema(dataColumns.map { Field(schema.fields[$0].name, schema.fields[$0].type, nullable: true) })
        var adds: [DeltaAddFile] = []
        for group in try groups(batch) {
            let rows = group.rows
            var start = 0
            while start < rows.count {
                let end = min(rows.count, start + maxRowsPerFile)
                let slice = rows.count == batch.rowCount && start == 0 && end == rows.count ? nil : Array(rows[start..<end])
                let columns = dataColumns.map { i in slice.map { batch.columns[i].take($0) } ?? batch.columns[i] }
                let part = try RecordBatch(schema: fileSchema, columns: columns)
                adds.append(try writeFile(part, partitionValues: group.values, dataChange: dataChange))
                start = end
            }
        }
        return adds
    }

    /// Writes one file of `batch` (data columns only) into the partition's directory.
    func writeFile(_ batch: RecordBatch, partitionValues: [String: String?], dataChange: Bool) throws -> DeltaAddFile {
        let dir = DeltaPartition.directory(columns: partitionColumns, values: partitionValues)
        let name = "part-00000-\(UUID().uuidString.lowercased()).c000.\(parquetOptions.compression.rawValue).parquet"
        let relative = dir.isEmpty ? name : dir + "/" + name
        let full = FilePaths.join(tablePath, relative)
        let storage = Storage.at(tablePath)
        if storage.isLocal { try Self.createDirectoryDurably(FilePaths.parent(full), within: tablePath) }
        var writer = try ParquetWriter(schema: batch.schema, options: parquetOptions)
        try writer.write(batch)
        let summary = try writer.finish(toFile: full, role: .table)
        // An object store's own time would cost a request per file; the writer's clock serves.
        let modified = storage.isLocal ? (try? FileSystem.attributes(full).modifiedMillis) ?? currentTimeMillis() : currentTimeMillis()
        return DeltaAddFile(
            path: DeltaPartition.uriEncode(relative), partitionValues: partitionValues, size: Int64(summary.fileSize),
            modificationTime: modified, dataChange: dataChange, stats: DeltaFileStats.json(summary))
    }

    /// Creates `dir` and any missing parents up to `root`, fsyncing each parent so the new
    /// directory entries survive a crash along with the files in them.
    static func createDirectoryDurably(_ dir: String, within root: String) throws {
        if FileSystem.isDirectory(dir) { return }
        let parent = FilePaths.parent(dir)
        if parent.count >= root.count { try createDirectoryDurably(parent, within: root) }
        try FileSystem.createDirectory(dir, role: .table)
        try DurableFile.syncDirectory(parent)
    }

    /// Row indices per partition, in order of first appearance; values serialized as in the log.
    /// Rows are grouped by their partition values' key bytes in the engine's key table, so no
    /// value is boxed per row; each partition's values are serialized once, from its first row.
    private func groups(_ batch: RecordBatch) throws -> [(values: [String: String?], rows: [Int])] {
        if partitionColumns.isEmpty { return [([:], Array(0..<batch.rowCount))] }
        let cols = try partitionColumns.map { try batch.column($0) }
        var table = GroupKeyTable(capacity: 16)
        var out: [(values: [String: String?], rows: [Int])] = []
        GroupKeyBatch.forEachBlock(count: batch.rowCount, columns: cols) { encoded, first in
            for k in 0..<encoded.count {
                let i = first + k
                let g = Int(encoded.withKey(k) { table.findOrInsert($0) })
                if g == out.count {
                    var values: [String: String?] = [:]
                    for (name, c) in zip(partitionColumns, cols) { values[name] = .some(DeltaPartition.serialize(c[i])) }
                    out.append((values, [i]))
                } else {
                    out[g].rows.append(i)
                }
            }
        }
        return out
    }
}
