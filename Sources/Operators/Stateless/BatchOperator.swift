import Columnar

/// A stateless step of a physical plan: one batch in, one batch out.
public protocol BatchOperator: Sendable {
    /// Schema of the batches this operator produces.
    var outputSchema: Schema { get }
    func process(_ batch: RecordBatch) throws -> RecordBatch
}

/// Keeps the rows for which `predicate` is true (null counts as false).
public struct FilterOperator: BatchOperator {
    public let predicate: Expr
    public let outputSchema: Schema
    /// Columns to copy into the output; nil for all. Dropping columns the next step does not
    /// read saves copying them (e.g. the column the filter itself tested).
    private let keep: [String]?

    public init(predicate: Expr, input: Schema, keep: Set<String>? = nil) throws {
        let t = try predicate.resultType(in: input)
        guard t == .bool else { throw ColumnarError.typeMismatch("filter condition \(predicate) is \(t), not bool") }
        self.predicate = predicate
        let kept = keep.map { k in input.fields.filter { k.contains($0.name) } }
        self.keep = kept.map { $0.map(\.name) }
        self.outputSchema = kept.map(Schema.init) ?? input
    }

    public func process(_ batch: RecordBatch) throws -> RecordBatch {
        let mask = batch.rowCount == 0 ? [] : try predicate.evaluateMask(batch)
        let narrowed = try keep.map { try batch.project($0) } ?? batch
        var kept = 0
        for m in mask where m { kept += 1 }
        return kept == batch.rowCount ? narrowed : narrowed.filter(mask)
    }
}

/// Computes a list of expressions, each becoming one output column.
public struct ProjectOperator: BatchOperator {
    public let expressions: [Expr]
    public let outputSchema: Schema

    public init(expressions: [Expr], input: Schema) throws {
        var fields: [Field] = []
        var seen = Set<String>()
        for e in expressions {
            let name = e.outputName
            guard seen.insert(name).inserted else {
                throw ColumnarError.invalidArgument("column '\(name)' is selected twice; give one an alias with .as(...)")
            }
            fields.append(Field(name, try e.resultType(in: input)))
        }
        self.expressions = expressions
        self.outputSchema = Schema(fields)
    }

    public func process(_ batch: RecordBatch) throws -> RecordBatch {
        try RecordBatch(schema: outputSchema, columns: expressions.map { try $0.evaluate(batch) })
    }
}
