import Columnar
import Operators
import Sinks

/// The operators that turn one batch of source rows into one batch of result rows.
struct PhysicalPlan: Sendable {
    let operators: [any BatchOperator]
    let outputSchema: Schema

    func execute(_ input: RecordBatch) throws -> RecordBatch {
        var batch = input
        for op in operators { batch = try op.process(batch) }
        return batch
    }
}

/// Checks a logical plan and builds its physical plan.
enum QueryPlanner {
    static func outputSchema(_ plan: LogicalPlan) throws -> Schema {
        try physical(plan, sourceSchemas: plan.sources.map { try $0.resolvedSchema() }).outputSchema
    }

    /// - Parameter sourceSchemas: the schema of each source in `plan.sources` order.
    static func physical(_ plan: LogicalPlan, sourceSchemas: [Schema]) throws -> PhysicalPlan {
        var next = 0
        var ops: [any BatchOperator] = []
        let schema = try build(plan, sourceSchemas, &next, &ops)
        return PhysicalPlan(operators: ops, outputSchema: schema)
    }

    private static func build(_ plan: LogicalPlan, _ sources: [Schema], _ next: inout Int, _ ops: inout [any BatchOperator]) throws -> Schema {
        func wrap<T>(_ what: String, _ body: () throws -> T) throws -> T {
            do { return try body() } catch let e as ColumnarError { throw QueryError.invalidQuery("\(what): \(e)") }
        }
        switch plan {
        case .source:
            defer { next += 1 }
            return sources[next]
        case .filter(let cond, let child):
            let input = try build(child, sources, &next, &ops)
            let op = try wrap("filter(\(cond))") { try FilterOperator(predicate: cond, input: input) }
            ops.append(op)
            return op.outputSchema
        case .project(let exprs, let child):
            let input = try build(child, sources, &next, &ops)
            let op = try wrap("select(\(exprs.map(\.description).joined(separator: ", ")))") { try ProjectOperator(expressions: exprs, input: input) }
            ops.append(op)
            return op.outputSchema
        case .withColumn(let name, let expr, let child):
            let input = try build(child, sources, &next, &ops)
            var exprs = input.names.map { $0 == name ? expr.as(name) : col($0) }
            if input.index(of: name) == nil { exprs.append(expr.as(name)) }
            let op = try wrap("withColumn(\"\(name)\", \(expr))") { try ProjectOperator(expressions: exprs, input: input) }
            ops.append(op)
            return op.outputSchema
        case .drop(let names, let child):
            let input = try build(child, sources, &next, &ops)
            let op = try ProjectOperator(expressions: input.names.filter { !names.contains($0) }.map(col), input: input)
            ops.append(op)
            return op.outputSchema
        }
    }

    /// Rejects output modes that Spark rejects for the plan's shape, naming the rule.
    static func validate(outputMode: OutputMode, plan: LogicalPlan) throws {
        if outputMode == .complete {
            throw QueryError.invalidQuery("complete output mode is not supported when there are no streaming aggregations: the result table would be the whole unbounded input. Use append")
        }
    }
}

/// A query that cannot run as written.
public enum QueryError: Error, CustomStringConvertible, Equatable {
    case invalidQuery(String)
    case notStarted(String)

    public var description: String {
        switch self {
        case .invalidQuery(let m): return "invalid query: \(m)"
        case .notStarted(let m): return "query could not start: \(m)"
        }
    }
}
