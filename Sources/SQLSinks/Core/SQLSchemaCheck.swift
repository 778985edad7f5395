import Columnar

/// Compares an existing table with the query's output before the first write, so a mismatch is
/// one clear error at start instead of a failed batch later.
public enum SQLSchemaCheck {
    /// A column as the database's catalog describes it.
    public struct CatalogColumn: Sendable, Equatable {
        public var name: String
        public var type: String
        public init(name: String, type: String) {
            self.name = name
            self.type = type
        }
    }

    /// Throws `schemaMismatch` listing every query column the table lacks or types differently.
    /// Extra table columns are allowed (they take their defaults); names compare exactly, as the
    /// sink quotes them.
    public static func check(_ spec: SQLTableSpec, against columns: [CatalogColumn]) throws {
        var problems: [String] = []
        for f in spec.schema.fields {
            guard let c = columns.first(where: { $0.name == f.name }) else {
                problems.append("column '\(f.name)' (\(spec.dialect.columnType(f.type))) is missing")
                continue
            }
            if !spec.dialect.accepts(catalogType: c.type, for: f.type) {
                problems.append("column '\(f.name)' is \(c.type), the query writes \(f.type) (\(spec.dialect.columnType(f.type)))")
            }
        }
        if !problems.isEmpty { throw SQLSinkError.schemaMismatch(table: spec.table, problems: problems) }
    }

    /// Throws unless one of the table's unique indexes (or its primary key) is exactly on the
    /// update keys: the upsert's `ON CONFLICT (keys)` needs one.
    public static func checkUniqueKeys(_ spec: SQLTableSpec, uniqueIndexes: [[String]]) throws {
        guard spec.mode == .update else { return }
        let wanted = Set(spec.keys)
        if !uniqueIndexes.contains(where: { Set($0) == wanted }) {
            throw SQLSinkError.schemaMismatch(
                table: spec.table,
                problems: ["update mode upserts on (\(spec.keys.joined(separator: ", "))), but the table has no primary key or unique index on exactly those columns"])
        }
    }
}
