import Columnar

/// The three kinds of per-key state a processor can declare (Spark's value, list and map state).
public enum StateVariableKind: String, Sendable {
    case value, list, map
}

/// A declared state variable: its name, kind, the columns its values (and map keys) are stored
/// as, and an optional time to live.
///
/// TTL follows processing time, as in Spark: every write sets the written value's (element's,
/// entry's) expiry to the batch's processing time plus `ttl`; reads never return a value whose
/// expiry is at or before the batch's processing time, and such values are removed from the
/// store at the end of the batch. Reads do not extend the TTL.
public protocol StateVariableSpec: Sendable {
    var name: String { get }
    var kind: StateVariableKind { get }
    var ttl: Duration? { get }
    /// The columns of a stored value (an element, for lists).
    var valueFields: [Field] { get }
    /// The columns of a map's key; nil for value and list state.
    var keyFields: [Field]? { get }
}

extension StateVariableSpec {
    /// "errors: list<ts timestamp> ttl 600000000 µs", for the checkpoint's record of the operator.
    public var shapeDescription: String {
        func cols(_ f: [Field]) -> String { f.map { "\($0.name) \($0.type)" }.joined(separator: ", ") }
        let type = keyFields.map { "<\(cols($0)) -> \(cols(valueFields))>" } ?? "<\(cols(valueFields))>"
        return "\(name): \(kind.rawValue)\(type)" + (ttl.map { " ttl \($0.microseconds) µs" } ?? "")
    }

    var ttlMicros: Int64? { ttl?.microseconds }
}

/// One value per key (Spark's `ValueState`).
public struct ValueStateSpec<T: StateCodable>: StateVariableSpec {
    public let name: String
    public let ttl: Duration?
    public var kind: StateVariableKind { .value }
    public var valueFields: [Field] { T.stateFields }
    public var keyFields: [Field]? { nil }

    public init(_ name: String, ttl: Duration? = nil) {
        self.name = name
        self.ttl = ttl
    }
}

/// A list of values per key, each element with its own TTL (Spark's `ListState`).
public struct ListStateSpec<T: StateCodable>: StateVariableSpec {
    public let name: String
    public let ttl: Duration?
    public var kind: StateVariableKind { .list }
    public var valueFields: [Field] { T.stateFields }
    public var keyFields: [Field]? { nil }

    public init(_ name: String, ttl: Duration? = nil) {
        self.name = name
        self.ttl = ttl
    }
}

/// A map per key, each entry with its own TTL (Spark's `MapState`). Map keys are compared as
/// grouping keys are: -0.0 equals 0.0 and all NaNs are one.
public struct MapStateSpec<K: StateCodable, V: StateCodable>: StateVariableSpec {
    public let name: String
    public let ttl: Duration?
    public var kind: StateVariableKind { .map }
    public var valueFields: [Field] { V.stateFields }
    public var keyFields: [Field]? { K.stateFields }

    public init(_ name: String, ttl: Duration? = nil) {
        self.name = name
        self.ttl = ttl
    }
}
