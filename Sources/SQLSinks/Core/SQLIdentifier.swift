/// Table and column names as they appear in SQL text.
public enum SQLIdentifier {
    /// PostgreSQL truncates longer names silently (NAMEDATALEN - 1), which would make the
    /// schema check compare the wrong names.
    public static let maxPostgresBytes = 63

    /// `name` in double quotes, after checking it can be quoted safely.
    ///
    /// Names are always quoted, so case and spaces are kept as the query spells them. A double
    /// quote or NUL is refused rather than escaped, because postgres-nio's COPY builder quotes
    /// names without escaping.
    public static func quoted(_ name: String, dialect: SQLDialect) throws -> String {
        try validate(name, dialect: dialect)
        return "\"" + name + "\""
    }

    /// Throws unless `name` is a usable table or column name.
    public static func validate(_ name: String, dialect: SQLDialect) throws {
        if name.isEmpty { throw SQLSinkError.invalidConfiguration("an empty table or column name") }
        if name.contains("\"") || name.utf8.contains(0) {
            throw SQLSinkError.invalidConfiguration("the name '\(name)' contains a double quote or NUL; rename the column (withColumn/select) or choose another table name")
        }
        if dialect == .postgres, name.utf8.count > maxPostgresBytes {
            throw SQLSinkError.invalidConfiguration("the name '\(name)' is longer than PostgreSQL's \(maxPostgresBytes) bytes")
        }
    }
}
