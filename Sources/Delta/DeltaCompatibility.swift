import Columnar

extension DeltaSnapshot {
    /// Refuses to write `schema` partitioned by `partitionBy` into this table unless the table
    /// has exactly those columns (names and types) and partition columns, and only table
    /// features the engine can write.
    public func checkCompatible(schema: Schema, partitionBy: [String]) throws {
        try checkWritable()
        if partitionColumns != partitionBy {
            throw DeltaError.schemaMismatch(
                tablePath, "it is partitioned by \(partitionColumns), the query asks for \(partitionBy)")
        }
        let have = self.schema.fields.map { "\($0.name): \($0.type)" }
        let want = schema.fields.map { "\($0.name): \($0.type)" }
        if have != want {
            throw DeltaError.schemaMismatch(
                tablePath, "its columns are (\(have.joined(separator: ", "))), the query writes (\(want.joined(separator: ", ")))")
        }
    }
}
