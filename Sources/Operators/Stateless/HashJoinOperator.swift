import Columnar

/// How a stream row without a match on the static side is treated.
public enum JoinType: String, Sendable {
    /// Dropped.
    case inner
    /// Kept, with nulls for the static side's columns.
    case leftOuter
}

/// Joins each streaming batch with a static table on equal key columns (a stream-static join).
///
/// The hash table over the static side is built once, when the operator is created; each batch
/// only probes it. Output columns: the keys, the stream's other columns, then the static side's
/// other columns (Spark's order for a join on column names). Null keys never match.
public struct HashJoinOperator: BatchOperator {
    public let outputSchema: Schema
    private let streamKeyIndexes: [Int]
    private let outputKeyIndexes: [Int]
    private let streamOther: [Int]
    private let staticOther: [Int]
    private let staticTable: RecordBatch
    private let type: JoinType
    private let index: StaticIndex

    /// Rows of the static side by key: group id → first row, and a chain through `next`.
    private struct StaticIndex: @unchecked Sendable {
        var table: GroupKeyTable
        var first: [Int32]
        var next: [Int32]
    }

    /// The join's output columns, checked as the operator would check them, without building
    /// the hash index: so a query's schema is known without reading the static side's rows.
    public static func outputSchema(stream: Schema, staticSchema s: Schema, on keys: [String], outputs: Set<String>? = nil) throws -> Schema {
        guard !keys.isEmpty else { throw ColumnarError.invalidArgument("a join needs at least one key column") }
        var streamKeyIndexes: [Int] = []
        for k in keys {
            let si = try stream.require(k), ti = try s.require(k)
            guard stream.fields[si].type == s.fields[ti].type else {
                throw ColumnarError.typeMismatch("join key '\(k)' is \(stream.fields[si].type) in the stream and \(s.fields[ti].type) in the static table")
            }
            streamKeyIndexes.append(si)
        }
        func wanted(_ name: String) -> Bool { outputs?.contains(name) ?? true }
        let outputKeys = streamKeyIndexes.filter { wanted(stream.fields[$0].name) }
        let streamOther = stream.fields.indices.filter { !keys.contains(stream.fields[$0].name) && wanted(stream.fields[$0].name) }
        let staticOther = s.fields.indices.filter { !keys.contains(s.fields[$0].name) && wanted(s.fields[$0].name) }
        for i in staticOther where stream.index(of: s.fields[i].name) != nil {
            throw ColumnarError.invalidArgument("column '\(s.fields[i].name)' is in both the stream and the static table; rename one before joining")
        }
        return Schema(
            outputKeys.map { stream.fields[$0] } + streamOther.map { stream.fields[$0] }
                + staticOther.map { Field(s.fields[$0].name, s.fields[$0].type, nullable: true) })
    }

    /// - Parameter outputs: the output columns to materialise (nil for all); the rest are left out.
    public init(stream: Schema, staticTable: RecordBatch, on keys: [String], type: JoinType = .inner, outputs: Set<String>? = nil) throws {
        let s = staticTable.schema
        outputSchema = try Self.outputSchema(stream: stream, staticSchema: s, on: keys, outputs: outputs)
        let streamKeyIndexes = try keys.map { try stream.require($0) }
        func wanted(_ name: String) -> Bool { outputs?.contains(name) ?? true }
        self.streamKeyIndexes = streamKeyIndexes
        outputKeyIndexes = streamKeyIndexes.filter { wanted(stream.fields[$0].name) }
        streamOther = stream.fields.indices.filter { !keys.contains(stream.fields[$0].name) && wanted(stream.fields[$0].name) }
        staticOther = s.fields.indices.filter { !keys.contains(s.fields[$0].name) && wanted(s.fields[$0].name) }
        self.staticTable = staticTable
        self.type = type

        // Build once.
        let keyColumns = try keys.map { try staticTable.column($0) }
        var table = GroupKeyTable(capacity: staticTable.rowCount)
        var first: [Int32] = []
        var next = [Int32](repeating: -1, count: staticTable.rowCount)
        let keyed = (0..<staticTable.rowCount).filter { r in keyColumns.allSatisfy { $0.isValid(r) } }
        GroupKeyBatch.forEachBlock(count: keyed.count, columns: keyColumns, rows: keyed) { keys, start in
            for k in 0..<keys.count {
                let r = keyed[start + k]
                let g = Int(keys.withKey(k) { table.findOrInsert($0) })
                if g == first.count {
                    first.append(Int32(r))
                } else {
                    // Keep static rows in their original order: append to the end of the chain.
                    var at = Int(first[g])
                    while next[at] >= 0 { at = Int(next[at]) }
                    next[at] = Int32(r)
                }
            }
        }
        index = StaticIndex(table: table, first: first, next: next)
    }

    public func process(_ batch: RecordBatch) throws -> RecordBatch {
        let keyColumns = streamKeyIndexes.map { batch.columns[$0] }
        var streamRows: [Int] = []
        var staticRows: [Int] = []
        streamRows.reserveCapacity(batch.rowCount)
        staticRows.reserveCapacity(batch.rowCount)
        let nullable = keyColumns.contains { $0.validity != nil }
        GroupKeyBatch.forEachBlock(count: batch.rowCount, columns: keyColumns) { keys, first in
            keys.bytes.withUnsafeBytes { b in
                keys.offsets.withUnsafeBufferPointer { o in
                    for k in 0..<keys.count {
                        let r = first + k
                        var g = -1
                        if !nullable || keyColumns.allSatisfy({ $0.isValid(r) }) {
                            g = index.table.find(UnsafeRawBufferPointer(rebasing: b[o[k]..<o[k + 1]]))
                        }
                        if g < 0 {
                            if type == .leftOuter {
                                streamRows.append(r)
                                staticRows.append(-1)
                            }
                            continue
                        }
                        var at = Int(index.first[g])
                        while at >= 0 {
                            streamRows.append(r)
                            staticRows.append(at)
                            at = Int(index.next[at])
                        }
                    }
                }
            }
        }
        var columns = outputKeyIndexes.map { batch.columns[$0].take(streamRows) }
        columns += streamOther.map { batch.columns[$0].take(streamRows) }
        columns += staticOther.map { staticTable.columns[$0].take(orNull: staticRows) }
        return try RecordBatch(schema: outputSchema, columns: columns)
    }
}
