import Columnar
import SQLSinkCore

/// How the columns of a PostgreSQL table are read by a lookup join: which Sluice type each
/// catalog type becomes, and the select expression that hands it over in one wire type.
///
/// Every value arrives as `bigint`, `text`, `double precision` or `boolean`, so decoding needs
/// no per-type code: timestamps as microseconds since the epoch, dates as days since 1970-01-01.
enum PostgresLookupColumns {
    /// The Sluice type of an `information_schema.columns.data_type`, or nil when a lookup join
    /// cannot read it (json, numeric ranges, arrays, uuid, ...).
    static func type(ofCatalogType t: String) -> DataType? {
        switch t {
        case "bigint", "integer", "smallint": return .int64
        case "text", "character varying", "character", "name": return .string
        case "double precision", "real", "numeric": return .double
        case "boolean": return .bool
        case "timestamp with time zone", "timestamp without time zone": return .timestamp
        case "date": return .date
        default: return nil
        }
    }

    /// The select expression of column `name` read as `type`. A `timestamp without time zone`
    /// is taken as UTC: the source's sessions run with `TimeZone` UTC.
    static func selectExpression(_ name: String, _ type: DataType) throws -> String {
        let c = try SQLIdentifier.quoted(name, dialect: .postgres)
        switch type {
        case .int64: return "\(c)::bigint"
        case .string: return "\(c)::text"
        case .double: return "\(c)::double precision"
        case .bool: return "\(c)::boolean"
        // Since PostgreSQL 14 `extract` is numeric, so microseconds are exact.
        case .timestamp: return "(extract(epoch from \(c)::timestamptz) * 1000000)::bigint"
        case .date: return "(\(c) - DATE '1970-01-01')::bigint"
        }
    }

    /// The `WHERE` condition matching the key column against the array bound as `$1`. Dates and
    /// timestamps are bound as ISO text and cast on the server, so an index on the column is used.
    static func keyCondition(_ name: String, _ type: DataType) throws -> String {
        let c = try SQLIdentifier.quoted(name, dialect: .postgres)
        switch type {
        case .int64: return "\(c) = ANY($1::bigint[])"
        case .string: return "\(c) = ANY($1::text[])"
        case .bool: return "\(c) = ANY($1::boolean[])"
        case .date: return "\(c) = ANY($1::text[]::date[])"
        case .timestamp: return "\(c) = ANY($1::text[]::timestamptz[])"
        case .double: throw SQLSinkError.invalidConfiguration("a lookup key cannot be a double column ('\(name)')")
        }
    }
}
