import Columnar

/// State entries an operator emits (evicted ones, or all of them in complete mode), gathered
/// so their keys become columns in one pass: the key bytes as stored, and the decoded values.
struct StoredGroups {
    private var keyBytes: [UInt8] = []
    private var keyOffsets: [Int] = [0]
    private(set) var values: [[Value]] = []

    var count: Int { values.count }

    mutating func append(key: UnsafeRawBufferPointer, value: [Value]) {
        keyBytes.append(contentsOf: key)
        keyOffsets.append(keyBytes.count)
        values.append(value)
    }

    /// The keys decoded into one column per field of `types`.
    func keyColumns(types: [DataType]) -> [Column] {
        keyBytes.withUnsafeBytes { b in
            GroupKeyLayout.columns(types: types, count: count) { k in
                UnsafeRawBufferPointer(rebasing: b[keyOffsets[k]..<keyOffsets[k + 1]])
            }
        }
    }
}
