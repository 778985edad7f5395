import Columnar

/// The SQL spoken by a sink's database: column types and the few spellings that differ.
public enum SQLDialect: Sendable, Equatable {
    case postgres
    case sqlite

    /// The column type a sink gives `type` when it creates the table.
    ///
    /// SQLite has no time types: timestamps are stored as UTC text `YYYY-MM-DD HH:MM:SS.ffffff`
    /// and dates as `YYYY-MM-DD`, which sort as time and compare with SQLite's `datetime()`
    /// output; the declared names `TIMESTAMP` and `DATE` say which columns hold them.
    public func columnType(_ type: DataType) -> String {
        switch (self, type) {
        case (.postgres, .bool): return "boolean"
        case (.postgres, .int64): return "bigint"
        case (.postgres, .double): return "double precision"
        case (.postgres, .string): return "text"
        case (.postgres, .timestamp): return "timestamptz"
        case (.postgres, .date): return "date"
        case (.sqlite, .bool): return "BOOLEAN"
        case (.sqlite, .int64): return "INTEGER"
        case (.sqlite, .double): return "REAL"
        case (.sqlite, .string): return "TEXT"
        case (.sqlite, .timestamp): return "TIMESTAMP"
        case (.sqlite, .date): return "DATE"
        }
    }

    /// Whether a column of an existing table, of the type the catalog reports, can hold `type`.
    ///
    /// PostgreSQL's `information_schema.columns.data_type` spells types in full
    /// (`timestamp with time zone`); SQLite reports the declared type as written.
    public func accepts(catalogType: String, for type: DataType) -> Bool {
        let t = catalogType.lowercased().trimmingSpaces
        switch (self, type) {
        case (.postgres, .bool): return t == "boolean"
        case (.postgres, .int64): return t == "bigint"
        case (.postgres, .double): return t == "double precision"
        case (.postgres, .string): return t == "text" || t == "character varying"
        case (.postgres, .timestamp): return t == "timestamp with time zone"
        case (.postgres, .date): return t == "date"
        case (.sqlite, .bool): return t == "boolean"
        case (.sqlite, .int64): return ["integer", "bigint", "int"].contains(t)
        case (.sqlite, .double): return ["real", "double", "double precision", "float"].contains(t)
        case (.sqlite, .string): return t == "text" || t.hasPrefix("varchar")
        case (.sqlite, .timestamp): return t == "timestamp" || t == "datetime"
        case (.sqlite, .date): return t == "date"
        }
    }

    /// Placeholder for bound parameter `n` (1-based).
    public func parameter(_ n: Int) -> String {
        self == .postgres ? "$\(n)" : "?\(n)"
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
