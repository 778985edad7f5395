/// A named, typed, nullable column description.
public struct Field: Sendable, Hashable, Codable, CustomStringConvertible {
    public var name: String
    public var type: DataType
    public var nullable: Bool

    public init(_ name: String, _ type: DataType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }

    public var description: String { "\(name): \(type)\(nullable ? "" : " not null")" }
}

/// An ordered list of fields with unique names.
public struct Schema: Sendable, Hashable, Codable, CustomStringConvertible {
    public private(set) var fields: [Field]

    public init(_ fields: [Field]) {
        self.fields = fields
    }

    public var count: Int { fields.count }
    public var names: [String] { fields.map(\.name) }

    /// Position of the field called `name`, or nil.
    public func index(of name: String) -> Int? {
        fields.firstIndex { $0.name == name }
    }

    /// The field called `name`, or nil.
    public func field(_ name: String) -> Field? {
        index(of: name).map { fields[$0] }
    }

    /// Position of `name`, or an error naming the available columns.
    public func require(_ name: String) throws -> Int {
        guard let i = index(of: name) else {
            throw ColumnarError.unknownColumn(name, available: names)
        }
        return i
    }

    /// A schema with `field` appended, or replacing the field of the same name in place.
    public func setting(_ field: Field) -> Schema {
        var copy = fields
        if let i = index(of: field.name) { copy[i] = field } else { copy.append(field) }
        return Schema(copy)
    }

    public var description: String { "(" + fields.map(\.description).joined(separator: ", ") + ")" }
}

/// Errors raised while building or evaluating columnar data.
public enum ColumnarError: Error, CustomStringConvertible, Equatable {
    case unknownColumn(String, available: [String])
    case typeMismatch(String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .unknownColumn(let name, let available):
            return "unknown column '\(name)'; available: \(available.joined(separator: ", "))"
        case .typeMismatch(let message): return "type mismatch: \(message)"
        case .invalidArgument(let message): return "invalid argument: \(message)"
        }
    }
}
