import Columnar

/// A `ScanFilter` bound to the fields of one JSON read: tests a scanned line's values in place,
/// before anything of the row is converted or copied.
struct JSONRowFilter {
    private struct Test {
        /// Index of the field among the scanned fields (its slot).
        let field: Int
        /// The accepted values' UTF-8 bytes.
        let values: [[UInt8]]
    }

    private let tests: [Test]
    private var scratch: [UInt8] = []

    /// nil when no condition applies to `fields`: only string fields are tested, as a string
    /// field holds the raw text of other JSON values, which the filter's comparison also sees.
    init?(_ filter: ScanFilter?, fields: [Field]) {
        guard let filter else { return nil }
        var tests: [Test] = []
        for c in filter.conditions {
            guard let k = fields.firstIndex(where: { $0.name == c.field }), fields[k].type == .string else { continue }
            tests.append(Test(field: k, values: c.values.map { Array($0.utf8) }))
        }
        guard !tests.isEmpty else { return nil }
        self.tests = tests
    }

    /// Whether the scanned line `s` passes; a missing or null value fails.
    @inline(__always)
    mutating func passes(_ s: UnsafeBufferPointer<UInt8>, _ slots: UnsafeMutableBufferPointer<JSONSlot>, generation: UInt32) -> Bool {
        for t in tests {
            let slot = slots[t.field]
            guard slot.generation == generation, slot.kind != .null else { return false }
            let raw = UnsafeBufferPointer(rebasing: s[slot.start..<slot.end])
            let ok: Bool
            if slot.kind == .string && slot.escaped {
                scratch.removeAll(keepingCapacity: true)
                JSONStrings.unescape(raw, into: &scratch)
                ok = scratch.withUnsafeBufferPointer { Self.matches($0, t.values) }
            } else {
                ok = Self.matches(raw, t.values)
            }
            if !ok { return false }
        }
        return true
    }

    @inline(__always)
    private static func matches(_ text: UnsafeBufferPointer<UInt8>, _ values: [[UInt8]]) -> Bool {
        for v in values where v.count == text.count {
            if v.withUnsafeBufferPointer({ $0.elementsEqual(text) }) { return true }
        }
        return false
    }
}
