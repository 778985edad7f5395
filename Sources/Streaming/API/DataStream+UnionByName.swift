import Columnar

extension DataStream {
    /// The rows of this stream and of `other`, columns matched by name (Spark's `unionByName`):
    /// `other`'s columns are put in this stream's order, then unioned as `union` does (each
    /// input keeps its own offsets and watermark). With `allowMissingColumns`, a column only one
    /// side has is added to the other as nulls (this stream's extra columns first, then
    /// `other`'s at the end); without it, the sides must have the same names.
    public func unionByName(_ other: DataStream, allowMissingColumns: Bool = false) -> DataStream {
        let fail = { (message: String) in
            DataStream(session: session, plan: .union(plan, other.plan), error: error ?? other.error ?? message)
        }
        guard error == nil, other.error == nil else { return fail("") }
        let mine: Schema, theirs: Schema
        do {
            mine = try QueryPlanner.outputSchema(plan)
            theirs = try QueryPlanner.outputSchema(other.plan)
        } catch {
            // Reported by start() when it analyses the inputs.
            return union(other)
        }
        var left: [Expr] = mine.names.map(col)
        var right: [Expr] = []
        for f in mine.fields {
            if theirs.index(of: f.name) != nil {
                right.append(col(f.name))
            } else if allowMissingColumns {
                right.append(lit(.null).cast(f.type).as(f.name))
            } else {
                return fail(
                    "unionByName: column `\(f.name)` of the first input is not among the second input's columns "
                        + "(\(theirs.names.joined(separator: ", "))); pass allowMissingColumns: true to fill it with nulls")
            }
        }
        for f in theirs.fields where mine.index(of: f.name) == nil {
            guard allowMissingColumns else {
                return fail(
                    "unionByName: column `\(f.name)` of the second input is not among the first input's columns "
                        + "(\(mine.names.joined(separator: ", "))); pass allowMissingColumns: true to fill it with nulls")
            }
            left.append(lit(.null).cast(f.type).as(f.name))
            right.append(col(f.name))
        }
        let l = left.count == mine.count ? plan : LogicalPlan.project(left, plan)
        let r = right.map(\.outputName) == theirs.names ? other.plan : LogicalPlan.project(right, other.plan)
        return DataStream(session: session, plan: .union(l, r))
    }
}
