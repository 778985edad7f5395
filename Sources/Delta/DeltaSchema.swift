import Columnar
import Foundation

/// Engine schema <-> the Spark StructType JSON held in `metaData.schemaString`.
public enum DeltaSchema {
    /// The Spark type name of an engine type.
    static func sparkType(_ t: DataType) -> String {
        switch t {
        case .bool: return "boolean"
        case .int64: return "long"
        case .double: return "double"
        case .string: return "string"
        case .timestamp: return "timestamp"
        case .date: return "date"
        }
    }

    /// The engine type of a primitive Spark type; narrower integers and floats widen.
    static func engineType(_ spark: String) -> DataType? {
        switch spark {
        case "boolean": return .bool
        case "long", "integer", "short", "byte": return .int64
        case "double", "float": return .double
        case "string", "binary": return .string
        case "timestamp", "timestamp_ntz": return .timestamp
        case "date": return .date
        default: return nil
        }
    }

    /// The schemaString for `schema` (every column nullable, as Spark writes it).
    public static func json(_ schema: Schema) -> String {
        let fields = schema.fields.map { f -> String in
            var w = JSONObjectWriter()
            w.string("name", f.name)
            w.string("type", sparkType(f.type))
            w.bool("nullable", true)
            w.raw("metadata", "{}")
            return w.finish()
        }
        return "{\"type\":\"struct\",\"fields\":[" + fields.joined(separator: ",") + "]}"
    }

    /// Parses a schemaString. Columns of types the engine cannot hold (nested, decimal, ...)
    /// are an error naming them.
    public static func parse(_ text: String, table: String) throws -> Schema {
        guard let obj = JSONObject.parse(text), obj.string("type") == "struct", let fields = obj.dict["fields"] as? [Any] else {
            throw DeltaError.corruptLog(table, "schemaString is not a struct type: \(text.prefix(200))")
        }
        var out: [Field] = []
        for case let f as [String: Any] in fields {
            let field = JSONObject(f)
            guard let name = field.string("name") else { throw DeltaError.corruptLog(table, "schema field without a name") }
            guard let type = field.string("type"), let t = engineType(type) else {
                let shown = field.string("type") ?? "a nested type"
                throw DeltaError.unsupportedProtocol(table, "column '\(name)' has type \(shown), which the engine cannot read")
            }
            out.append(Field(name, t, nullable: field.bool("nullable") ?? true))
        }
        return Schema(out)
    }
}
