import Columnar

/// Repetition of a node in a nested Parquet schema.
public enum ParquetRepetition: Sendable, Hashable {
    case required, optional, repeated

    var thrift: Repetition {
        switch self {
        case .required: return .required
        case .optional: return .optional
        case .repeated: return .repeated
        }
    }
}

/// A nested Parquet schema (structs, maps, lists), for files whose records are not flat rows,
/// such as Delta checkpoints. Leaves hold engine types with the usual annotations.
public indirect enum ParquetNode: Sendable, Hashable {
    case leaf(String, DataType, ParquetRepetition)
    /// An int64 engine value stored as INT32 (for readers that insist on 32-bit integers).
    case int32(String, ParquetRepetition)
    /// A struct.
    case group(String, ParquetRepetition, [ParquetNode])
    /// `<rep> group name (MAP) { repeated group key_value { required key; <value> } }`.
    case map(String, ParquetRepetition, key: DataType, value: DataType)
    /// `<rep> group name (LIST) { repeated group list { optional element } }`.
    case list(String, ParquetRepetition, element: DataType)

    public var name: String {
        switch self {
        case .leaf(let n, _, _), .int32(let n, _), .group(let n, _, _), .map(let n, _, _, _), .list(let n, _, _): return n
        }
    }

    /// The node in the plain form: maps and lists spelled out as groups.
    var expanded: (element: SchemaElement, children: [ParquetNode]) {
        var e = SchemaElement()
        e.name = name
        switch self {
        case .leaf(_, let type, let rep):
            e = ParquetSchemaWriter.element(for: Field(name, type))
            e.repetition = rep.thrift
            return (e, [])
        case .int32(_, let rep):
            e.type = .int32
            e.repetition = rep.thrift
            return (e, [])
        case .group(_, let rep, let children):
            e.repetition = rep.thrift
            return (e, children)
        case .map(_, let rep, let key, let value):
            e.repetition = rep.thrift
            e.convertedType = ConvertedType.map
            e.logicalType = .map
            return (e, [.group("key_value", .repeated, [.leaf("key", key, .required), .leaf("value", value, .optional)])])
        case .list(_, let rep, let element):
            e.repetition = rep.thrift
            e.convertedType = ConvertedType.list
            e.logicalType = .list
            return (e, [.group("list", .repeated, [.leaf("element", element, .optional)])])
        }
    }
}

/// One leaf column of a nested schema, flattened: its path and level limits (the Parquet format's
/// README, "Nested Encoding").
public struct ParquetLeafInfo: Sendable, Hashable {
    public let path: [String]
    public let type: DataType
    public let maxDefinitionLevel: Int
    public let maxRepetitionLevel: Int
    /// Stored as INT32 (values are int64 in the engine).
    public var isInt32 = false
}

/// The values of one leaf column as Dremel striping produces them: a repetition and a
/// definition level per entry, and the non-null values (entries whose definition level is the
/// maximum), in order.
public struct ParquetLeafData: Sendable {
    public var repetitionLevels: [UInt8]
    public var definitionLevels: [UInt8]
    public var values: ColumnBuilder

    public init(type: DataType) {
        repetitionLevels = []
        definitionLevels = []
        values = ColumnBuilder(type: type)
    }

    /// Number of level entries.
    public var count: Int { definitionLevels.count }

    /// Appends an entry without a value (a null or an absent ancestor at `definition`).
    public mutating func appendAbsent(repetition: UInt8, definition: UInt8) {
        repetitionLevels.append(repetition)
        definitionLevels.append(definition)
    }

    /// Appends an entry with a value (its definition level is the leaf's maximum).
    public mutating func append(_ v: Value, repetition: UInt8, definition: UInt8) {
        repetitionLevels.append(repetition)
        definitionLevels.append(definition)
        values.append(v)
    }
}

enum ParquetNestedSchema {
    /// Leaves in depth-first order with their levels.
    static func leaves(_ nodes: [ParquetNode]) -> [ParquetLeafInfo] {
        var out: [ParquetLeafInfo] = []
        func walk(_ n: ParquetNode, _ path: [String], _ def: Int, _ rep: Int) {
            let (e, children) = n.expanded
            let d = def + (e.repetition == .required ? 0 : 1)
            let r = rep + (e.repetition == .repeated ? 1 : 0)
            if case .leaf(_, let t, _) = n {
                out.append(ParquetLeafInfo(path: path + [n.name], type: t, maxDefinitionLevel: d, maxRepetitionLevel: r))
            }
            if case .int32 = n {
                out.append(ParquetLeafInfo(path: path + [n.name], type: .int64, maxDefinitionLevel: d, maxRepetitionLevel: r, isInt32: true))
            }
            for c in children { walk(c, path + [n.name], d, r) }
        }
        for n in nodes { walk(n, [], 0, 0) }
        return out
    }

    /// SchemaElements: root, then every node depth-first.
    static func elements(_ nodes: [ParquetNode]) -> [SchemaElement] {
        var root = SchemaElement()
        root.name = "schema"
        root.numChildren = Int32(nodes.count)
        var out = [root]
        func walk(_ n: ParquetNode) {
            var (e, children) = n.expanded
            switch n {
            case .leaf, .int32: break
            default: e.numChildren = Int32(children.count)
            }
            out.append(e)
            for c in children { walk(c) }
        }
        for n in nodes { walk(n) }
        return out
    }
}
