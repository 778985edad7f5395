import Columnar

/// The aggregates of one grouping and how their partial values sit side by side in a state row.
struct AggregateLayout {
    let aggregates: [AggregateExpr]
    let inputTypes: [DataType?]

    init(_ aggregates: [AggregateExpr], input: Schema) throws {
        self.aggregates = aggregates
        inputTypes = try aggregates.map { try $0.input?.resultType(in: input) }
        _ = try makeAccumulators(groups: 0)
    }

    /// Fresh accumulators with room for `groups` groups.
    func makeAccumulators(groups: Int) throws -> [Accumulator] {
        try zip(aggregates, inputTypes).map { a, t in
            var acc = try Accumulator(a, inputType: t)
            acc.grow(to: groups)
            return acc
        }
    }

    /// The state fields of all aggregates, in order.
    var stateFields: [Field] {
        (try? makeAccumulators(groups: 0))!.enumerated().flatMap { $1.stateFields($0) }
    }

    /// The result column of each aggregate.
    var resultFields: [Field] {
        (try? makeAccumulators(groups: 0))!.map { Field($0.aggregate.name, $0.resultType) }
    }

    /// Folds a stored state row (its aggregate part) into group `g`.
    func merge(_ accs: inout [Accumulator], _ g: Int, _ stored: ArraySlice<Value>) {
        var offset = stored.startIndex
        for i in accs.indices {
            accs[i].merge(g, stored[offset..<(offset + accs[i].stateWidth)])
            offset += accs[i].stateWidth
        }
    }

    /// The result columns of the first `groups` groups of `accs`.
    func resultColumns(_ accs: [Accumulator], groups: Int) -> [Column] {
        accs.map { $0.resultColumn(groups: groups) }
    }

    /// Result columns from stored state rows (their aggregate parts), one row per stored row.
    func resultColumns(stored: [ArraySlice<Value>]) -> [Column] {
        var accs = (try? makeAccumulators(groups: stored.count))!
        for (g, s) in stored.enumerated() { merge(&accs, g, s) }
        return resultColumns(accs, groups: stored.count)
    }
}
