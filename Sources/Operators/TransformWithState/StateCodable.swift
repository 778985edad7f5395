import Columnar

/// A type that per-key state (`ValueStateSpec`, `ListStateSpec`, `MapStateSpec`) can hold: it is
/// stored as one row of `stateFields`. Int64, Int, Double, String and Bool conform; conform a
/// struct of your own by listing its fields and converting to and from a row.
public protocol StateCodable: Sendable {
    /// The columns a value is stored as, in order.
    static var stateFields: [Field] { get }
    /// The value as one row of `stateFields`.
    var stateRow: [Value] { get }
    /// The value stored as `row`; throws `StateValueError` if the row is not one.
    init(stateRow row: [Value]) throws
}

/// A stored row that does not decode to the type a state variable declares.
public struct StateValueError: Error, CustomStringConvertible, Equatable {
    public let expected: String
    public let row: [Value]

    public init(expected: String, row: [Value]) {
        self.expected = expected
        self.row = row
    }

    public var description: String { "state row \(row) is not a \(expected)" }
}

extension Int64: StateCodable {
    public static var stateFields: [Field] { [Field("value", .int64, nullable: false)] }
    public var stateRow: [Value] { [.int64(self)] }
    public init(stateRow row: [Value]) throws {
        guard row.count == 1, case .int64(let x) = row[0] else { throw StateValueError(expected: "Int64", row: row) }
        self = x
    }
}

extension Int: StateCodable {
    public static var stateFields: [Field] { Int64.stateFields }
    public var stateRow: [Value] { [.int64(Int64(self))] }
    public init(stateRow row: [Value]) throws { self = Int(try Int64(stateRow: row)) }
}

extension Double: StateCodable {
    public static var stateFields: [Field] { [Field("value", .double, nullable: false)] }
    public var stateRow: [Value] { [.double(self)] }
    public init(stateRow row: [Value]) throws {
        guard row.count == 1, case .double(let x) = row[0] else { throw StateValueError(expected: "Double", row: row) }
        self = x
    }
}

extension String: StateCodable {
    public static var stateFields: [Field] { [Field("value", .string, nullable: false)] }
    public var stateRow: [Value] { [.string(self)] }
    public init(stateRow row: [Value]) throws {
        guard row.count == 1, case .string(let x) = row[0] else { throw StateValueError(expected: "String", row: row) }
        self = x
    }
}

extension Bool: StateCodable {
    public static var stateFields: [Field] { [Field("value", .bool, nullable: false)] }
    public var stateRow: [Value] { [.bool(self)] }
    public init(stateRow row: [Value]) throws {
        guard row.count == 1, case .bool(let x) = row[0] else { throw StateValueError(expected: "Bool", row: row) }
        self = x
    }
}
