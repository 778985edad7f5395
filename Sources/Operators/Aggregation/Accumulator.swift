import Columnar
import State

/// The running values of one aggregate for every group of a batch, in typed arrays indexed by
/// group id. Updated a column at a time; converted to and from state rows once per group.
struct Accumulator {
    let aggregate: AggregateExpr
    let inputType: DataType?
    let resultType: DataType

    private var counts: [Int64] = []
    private var ints: [Int64] = []
    private var doubles: [Double] = []
    private var bools: [Bool] = []
    private var strings: [[UInt8]] = []
    private var sketches: [HyperLogLog] = []

    init(_ aggregate: AggregateExpr, inputType: DataType?) throws {
        guard let r = aggregate.resultType(input: inputType) else {
            throw ColumnarError.typeMismatch("\(aggregate.function.rawValue) cannot aggregate \(inputType.map(\.rawValue) ?? "nothing") in \(aggregate.name)")
        }
        self.aggregate = aggregate
        self.inputType = inputType
        self.resultType = r
    }

    var function: AggregateFunction { aggregate.function }

    /// Makes room for groups `0..<n`.
    mutating func grow(to n: Int) {
        let add = n - counts.count
        guard add > 0 else { return }
        counts += repeatElement(0, count: add)
        switch function {
        case .count: break
        case .sum, .avg:
            if inputType == .int64 && function == .sum { ints += repeatElement(0, count: add) } else { doubles += repeatElement(0, count: add) }
        case .min, .max:
            switch inputType {
            case .double: doubles += repeatElement(0, count: add)
            case .bool: bools += repeatElement(false, count: add)
            case .string: strings += repeatElement([], count: add)
            default: ints += repeatElement(0, count: add)
            }
        case .approxCountDistinct: sketches += repeatElement(HyperLogLog(), count: add)
        }
    }

    /// Adds the input rows `rows[k]` to groups `gids[k]`.
    mutating func update(gids: [Int32], rows: [Int], input: Column?) {
        guard let input else {
            // count(): every row counts.
            for g in gids { counts[Int(g)] += 1 }
            return
        }
        let n = gids.count
        let isMax = function == .max
        switch (function, input.values) {
        case (.count, _):
            for k in 0..<n where input.isValid(rows[k]) { counts[Int(gids[k])] += 1 }
        case (.sum, .int64(let a)):
            for k in 0..<n where input.isValid(rows[k]) {
                let g = Int(gids[k])
                ints[g] &+= a[rows[k]]
                counts[g] += 1
            }
        case (.sum, _), (.avg, _):
            let a = input.type == .double ? input.doubleValues : input.int64Values.map(Double.init)
            for k in 0..<n where input.isValid(rows[k]) {
                let g = Int(gids[k])
                doubles[g] += a[rows[k]]
                counts[g] += 1
            }
        case (.min, .int64(let a)), (.max, .int64(let a)):
            for k in 0..<n where input.isValid(rows[k]) { offerInt(Int(gids[k]), a[rows[k]], isMax) }
        case (.min, .int32(let a)), (.max, .int32(let a)):
            for k in 0..<n where input.isValid(rows[k]) { offerInt(Int(gids[k]), Int64(a[rows[k]]), isMax) }
        case (.min, .double(let a)), (.max, .double(let a)):
            for k in 0..<n where input.isValid(rows[k]) { offerDouble(Int(gids[k]), a[rows[k]], isMax) }
        case (.min, .bool(let a)), (.max, .bool(let a)):
            for k in 0..<n where input.isValid(rows[k]) { offerBool(Int(gids[k]), a[rows[k]], isMax) }
        case (.min, .string(let s)), (.max, .string(let s)):
            for k in 0..<n where input.isValid(rows[k]) {
                let g = Int(gids[k])
                s.withBytes(rows[k]) { v in
                    let better: Bool = counts[g] == 0 || strings[g].withUnsafeBufferPointer { cur in
                        let c = StringArray.compareBytes(v, cur)
                        return isMax ? c > 0 : c < 0
                    }
                    if better { strings[g] = Array(v) }
                }
                counts[g] += 1
            }
        case (.approxCountDistinct, _):
            // The hash of the value's key encoding: sketches are stored, so this must never change.
            let valid = (0..<n).filter { input.isValid(rows[$0]) }
            GroupKeyBatch.forEachBlock(count: valid.count, columns: [input], rows: valid.map { rows[$0] }) { keys, first in
                for j in 0..<keys.count {
                    sketches[Int(gids[valid[first + j]])].add(hash: keys.withKey(j) { StableHash.xxHash64($0, seed: 42) })
                }
            }
        }
    }

    @inline(__always)
    private mutating func offerInt(_ g: Int, _ v: Int64, _ isMax: Bool) {
        if counts[g] == 0 || (isMax ? v > ints[g] : v < ints[g]) { ints[g] = v }
        counts[g] += 1
    }

    @inline(__always)
    private mutating func offerDouble(_ g: Int, _ v: Double, _ isMax: Bool) {
        // NaN is larger than any other value, as in Spark.
        let cur = doubles[g]
        let greater = v.isNaN ? !cur.isNaN : (!cur.isNaN && v > cur)
        let less = !v.isNaN && (cur.isNaN || v < cur)
        if counts[g] == 0 || (isMax ? greater : less) { doubles[g] = v }
        counts[g] += 1
    }

    @inline(__always)
    private mutating func offerBool(_ g: Int, _ v: Bool, _ isMax: Bool) {
        if counts[g] == 0 || (isMax ? (v && !bools[g]) : (!v && bools[g])) { bools[g] = v }
        counts[g] += 1
    }

    // MARK: - State rows

    /// The fields this aggregate keeps in the state store.
    func stateFields(_ index: Int) -> [Field] {
        let p = "a\(index)_"
        switch function {
        case .count: return [Field(p + "count", .int64)]
        case .sum: return [Field(p + "sum", resultType)]
        case .min, .max: return [Field(p + function.rawValue, resultType)]
        case .avg: return [Field(p + "sum", .double), Field(p + "count", .int64)]
        case .approxCountDistinct: return [Field(p + "hll", .string)]
        }
    }

    var stateWidth: Int { function == .avg ? 2 : 1 }

    /// The partial aggregate of group `g` as state values.
    func stateValues(_ g: Int) -> [Value] {
        switch function {
        case .count: return [.int64(counts[g])]
        case .avg: return [.double(doubles[g]), .int64(counts[g])]
        case .approxCountDistinct: return [.string(sketches[g].encoded)]
        case .sum, .min, .max: return [result(g)]
        }
    }

    /// Folds a stored partial aggregate into group `g`.
    mutating func merge(_ g: Int, _ stored: ArraySlice<Value>) {
        let v = stored[stored.startIndex]
        switch (function, v) {
        case (.count, .int64(let c)): counts[g] += c
        case (.avg, .double(let s)):
            doubles[g] += s
            if case .int64(let c) = stored[stored.startIndex + 1] { counts[g] += c }
        case (.sum, .int64(let s)): ints[g] &+= s; counts[g] += 1
        case (.sum, .double(let s)): doubles[g] += s; counts[g] += 1
        case (.min, _), (.max, _):
            let isMax = function == .max
            switch v {
            case .int64(let x), .timestamp(let x): offerInt(g, x, isMax)
            case .date(let d): offerInt(g, Int64(d), isMax)
            case .double(let d): offerDouble(g, d, isMax)
            case .bool(let b): offerBool(g, b, isMax)
            case .string(let s):
                let bytes = Array(s.utf8)
                let better = counts[g] == 0 || (isMax ? strings[g].lexicographicallyPrecedes(bytes) : bytes.lexicographicallyPrecedes(strings[g]))
                if better { strings[g] = bytes }
                counts[g] += 1
            case .null: break
            }
        case (.approxCountDistinct, .string(let s)):
            if let h = HyperLogLog(encoded: s) { sketches[g].merge(h) }
        default: break
        }
    }

    /// The final values of groups `0..<n` as a column, built without scalars.
    func resultColumn(groups n: Int) -> Column {
        switch function {
        case .count: return .int64s(Array(counts[..<n]))
        case .approxCountDistinct: return .int64s(sketches[..<n].map(\.estimate))
        case .avg:
            var b = ColumnBuilder(type: .double, capacity: n)
            for g in 0..<n { if counts[g] == 0 { b.appendNull() } else { b.append(doubles[g] / Double(counts[g])) } }
            return b.finish()
        case .sum, .min, .max:
            var b = ColumnBuilder(type: resultType, capacity: n)
            for g in 0..<n {
                guard counts[g] > 0 else { b.appendNull(); continue }
                switch resultType {
                case .double: b.append(doubles[g])
                case .bool: b.append(bools[g])
                case .string: strings[g].withUnsafeBufferPointer { b.append(utf8: $0) }
                case .int64, .timestamp: b.append(ints[g])
                case .date: b.append(Int32(truncatingIfNeeded: ints[g]))
                }
            }
            return b.finish()
        }
    }

    /// The final value of group `g`.
    func result(_ g: Int) -> Value {
        switch function {
        case .count: return .int64(counts[g])
        case .approxCountDistinct: return .int64(sketches[g].estimate)
        case .avg: return counts[g] == 0 ? .null : .double(doubles[g] / Double(counts[g]))
        case .sum: return counts[g] == 0 ? .null : (resultType == .int64 ? .int64(ints[g]) : .double(doubles[g]))
        case .min, .max:
            guard counts[g] > 0 else { return .null }
            switch resultType {
            case .double: return .double(doubles[g])
            case .bool: return .bool(bools[g])
            case .string: return .string(String(decoding: strings[g], as: UTF8.self))
            case .timestamp: return .timestamp(ints[g])
            case .date: return .date(Int32(ints[g]))
            case .int64: return .int64(ints[g])
            }
        }
    }
}
