/// A condition a reader may check while scanning, so rows that fail it are never built: each
/// listed string field holds one of the listed values (a null or missing value fails).
///
/// It is a hint, the way Spark pushes filters into its JSON parser: the query keeps its own
/// filter, so a reader may ignore any condition (CSV does, and so does JSON for a field it does
/// not read as a string). It must only ever drop rows that filter would drop.
public struct ScanFilter: Sendable, Equatable {
    public struct Condition: Sendable, Equatable {
        public var field: String
        public var values: [String]

        public init(field: String, values: [String]) {
            self.field = field
            self.values = values
        }
    }

    /// All must hold.
    public var conditions: [Condition]

    public init(_ conditions: [Condition]) {
        self.conditions = conditions
    }
}
