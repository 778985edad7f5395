import Columnar

/// One value of a nested record, shaped like a `ParquetNode`.
public indirect enum ParquetRecordValue: Sendable, Hashable {
    case null
    case scalar(Value)
    /// Struct fields by name; missing names are null.
    case group([String: ParquetRecordValue])
    case map([(key: String, value: String?)])
    case list([String?])

    public static func == (a: ParquetRecordValue, b: ParquetRecordValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.scalar(let x), .scalar(let y)): return x == y
        case (.group(let x), .group(let y)): return x == y
        case (.map(let x), .map(let y)): return x.map(\.key) == y.map(\.key) && x.map(\.value) == y.map(\.value)
        case (.list(let x), .list(let y)): return x == y
        default: return false
        }
    }

    public func hash(into h: inout Hasher) {
        switch self {
        case .null: h.combine(0)
        case .scalar(let v): h.combine(v)
        case .group(let g): h.combine(g)
        case .map(let m): for e in m { h.combine(e.key); h.combine(e.value) }
        case .list(let l): h.combine(l)
        }
    }
}

extension ParquetNestedWriter {
    /// Stripes `records` (one `.group` per row, keyed by the top-level node names) into leaf
    /// columns and writes the file (definition and repetition levels as in the Dremel paper, which the Parquet format's
    /// README follows).
    public static func write(
        schema: [ParquetNode], records: [[String: ParquetRecordValue]], compression: ParquetCompression = .zstd
    ) throws -> [UInt8] {
        let infos = ParquetNestedSchema.leaves(schema)
        var leaves = infos.map { ParquetLeafData(type: $0.type) }
        for r in records {
            var next = 0
            for n in schema { try shred(n, r[n.name] ?? .null, rep: 0, def: 0, depth: 0, leaves: &leaves, next: &next) }
        }
        return try write(schema: schema, rowCount: records.count, leaves: leaves, compression: compression)
    }

    /// Number of leaves under `node`.
    static func leafCount(_ node: ParquetNode) -> Int {
        switch node {
        case .leaf, .int32: return 1
        case .group(_, _, let c): return c.reduce(0) { $0 + leafCount($1) }
        case .map: return 2
        case .list: return 1
        }
    }

    /// Appends `value` under `node` to its leaves (`leaves[next...]`), advancing `next`.
    /// - Parameters: rep: repetition level of this entry; def: definition level of the parent;
    ///   depth: number of repeated ancestors.
    private static func shred(
        _ node: ParquetNode, _ value: ParquetRecordValue, rep: UInt8, def: UInt8, depth: UInt8,
        leaves: inout [ParquetLeafData], next: inout Int
    ) throws {
        func absent(_ count: Int, _ d: UInt8) {
            for i in next..<(next + count) { leaves[i].appendAbsent(repetition: rep, definition: d) }
            next += count
        }
        let (element, _) = node.expanded
        let own: UInt8 = element.repetition == .required ? 0 : 1
        if value == .null {
            guard own == 1 else { throw ParquetError.invalidArgument("required field '\(node.name)' is null") }
            absent(leafCount(node), def)
            return
        }
        let d = def + own
        switch (node, value) {
        case (.leaf, .scalar(let v)), (.int32, .scalar(let v)):
            leaves[next].append(v, repetition: rep, definition: d)
            next += 1
        case (.group(_, _, let children), .group(let fields)):
            for c in children { try shred(c, fields[c.name] ?? .null, rep: rep, def: d, depth: depth, leaves: &leaves, next: &next) }
        case (.map, .map(let entries)):
            if entries.isEmpty { absent(2, d); return }
            for (i, e) in entries.enumerated() {
                let r = i == 0 ? rep : depth + 1
                leaves[next].append(.string(e.key), repetition: r, definition: d + 1)
                if let v = e.value {
                    leaves[next + 1].append(.string(v), repetition: r, definition: d + 2)
                } else {
                    leaves[next + 1].appendAbsent(repetition: r, definition: d + 1)
                }
            }
            next += 2
        case (.list, .list(let items)):
            if items.isEmpty { absent(1, d); return }
            for (i, item) in items.enumerated() {
                let r = i == 0 ? rep : depth + 1
                if let v = item {
                    leaves[next].append(.string(v), repetition: r, definition: d + 2)
                } else {
                    leaves[next].appendAbsent(repetition: r, definition: d + 1)
                }
            }
            next += 1
        default:
            throw ParquetError.invalidArgument("value for '\(node.name)' does not match its schema node")
        }
    }
}

extension ParquetLeafData {
    /// Entries grouped per record: each record's (definition level, value if present).
    public func records(maxDefinitionLevel: Int) -> [[(definition: Int, value: Value?)]] {
        let column = values.finish()
        var out: [[(definition: Int, value: Value?)]] = []
        var k = 0
        for i in 0..<definitionLevels.count {
            let d = Int(definitionLevels[i])
            var v: Value?
            if d == maxDefinitionLevel {
                v = column[k]
                k += 1
            }
            if repetitionLevels[i] == 0 || out.isEmpty { out.append([]) }
            out[out.count - 1].append((d, v))
        }
        return out
    }
}
