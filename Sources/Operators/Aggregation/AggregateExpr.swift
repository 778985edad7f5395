import Columnar

/// The aggregate functions of `groupBy(...).agg(...)`.
public enum AggregateFunction: String, Sendable, Hashable {
    /// Rows (`count()`), or non-null values (`count(column)`).
    case count
    case sum
    case min
    case max
    case avg
    /// Approximate number of distinct non-null values (HyperLogLog, about 5 % error like Spark's default).
    case approxCountDistinct = "approx_count_distinct"
}

/// An aggregate over the rows of a group: a function, its input and an output name.
public struct AggregateExpr: Sendable {
    public let function: AggregateFunction
    /// nil for `count()`.
    public let input: Expr?
    public let name: String
    /// Over distinct values only (`countDistinct`), which streams refuse as Spark does.
    public let isDistinct: Bool

    init(_ function: AggregateFunction, _ input: Expr?, distinct: Bool = false) {
        self.function = function
        self.input = input
        self.isDistinct = distinct
        self.name = "\(function.rawValue)(\(distinct ? "DISTINCT " : "")\(input.map { $0.outputName } ?? "1"))"
    }

    private init(function: AggregateFunction, input: Expr?, name: String, distinct: Bool) {
        self.function = function
        self.input = input
        self.name = name
        self.isDistinct = distinct
    }

    /// Names the output column.
    public func `as`(_ name: String) -> AggregateExpr { AggregateExpr(function: function, input: input, name: name, distinct: isDistinct) }

    /// The type of the result, given the input's type; nil if the function does not apply to it.
    public func resultType(input t: DataType?) -> DataType? {
        switch function {
        case .count, .approxCountDistinct: return .int64
        case .avg: return t?.isNumeric == true ? .double : nil
        case .sum: return t?.isNumeric == true ? t : nil
        case .min, .max: return t
        }
    }
}

/// Number of rows in the group.
public func count() -> AggregateExpr { AggregateExpr(.count, nil) }
/// Number of non-null values of `e` in the group.
public func count(_ e: Expr) -> AggregateExpr { AggregateExpr(.count, e) }
public func sum(_ e: Expr) -> AggregateExpr { AggregateExpr(.sum, e) }
public func min(_ e: Expr) -> AggregateExpr { AggregateExpr(.min, e) }
public func max(_ e: Expr) -> AggregateExpr { AggregateExpr(.max, e) }
public func avg(_ e: Expr) -> AggregateExpr { AggregateExpr(.avg, e) }
/// Spark's `count(DISTINCT e)`. A stream refuses it as Spark does (`approxCountDistinct` is the
/// streaming form): exact distinct counts need every value of a group kept in state.
public func countDistinct(_ e: Expr) -> AggregateExpr { AggregateExpr(.count, e, distinct: true) }
/// HyperLogLog estimate of the number of distinct non-null values of `e`.
public func approxCountDistinct(_ e: Expr) -> AggregateExpr { AggregateExpr(.approxCountDistinct, e) }
