import Columnar
import State

/// One stored value (a list element, a map entry's value) and when its TTL runs out.
struct StoredElement: Sendable, Equatable {
    var row: [Value]
    /// Processing time (µs) at and after which the value is gone; nil without TTL.
    var expiresAt: Int64?

    /// Spark's rule: expired once the batch's processing time reaches the expiry.
    func isExpired(at now: Int64) -> Bool { expiresAt.map { now >= $0 } ?? false }
}

/// A map entry: the key as values (for the processor) and its stored value.
struct MapEntry: Sendable, Equatable {
    var key: [Value]
    var element: StoredElement
}

/// What one state variable holds for one key. Lists and maps are never stored empty.
enum VariableContents: Sendable, Equatable {
    case value(StoredElement)
    case list([StoredElement])
    /// By the canonical bytes of the map key.
    case map([[UInt8]: MapEntry])
}

/// Everything a grouping key owns: its state variables and its timers. Stored as one state
/// store entry per key (see `TransformWithStateOperator`), so a key's state is read and
/// written with one lookup.
struct KeyState: Sendable, Equatable {
    var variables: [String: VariableContents] = [:]
    var timers: Set<Int64> = []

    var isEmpty: Bool { variables.isEmpty && timers.isEmpty }
    var nextTimer: Int64? { timers.min() }

    /// The earliest TTL expiry of any value the key holds.
    var nextExpiry: Int64? {
        var earliest: Int64?
        func see(_ e: StoredElement) { if let x = e.expiresAt { earliest = min(earliest ?? x, x) } }
        for contents in variables.values {
            switch contents {
            case .value(let e): see(e)
            case .list(let l): l.forEach(see)
            case .map(let m): m.values.forEach { see($0.element) }
            }
        }
        return earliest
    }

    /// Drops every value whose TTL ran out at `now`; returns how many (elements, entries).
    mutating func removeExpired(now: Int64) -> Int {
        var removed = 0
        for (name, contents) in variables {
            switch contents {
            case .value(let e):
                if e.isExpired(at: now) {
                    variables[name] = nil
                    removed += 1
                }
            case .list(let l):
                let kept = l.filter { !$0.isExpired(at: now) }
                removed += l.count - kept.count
                variables[name] = kept.isEmpty ? nil : .list(kept)
            case .map(let m):
                let kept = m.filter { !$0.value.element.isExpired(at: now) }
                removed += m.count - kept.count
                variables[name] = kept.isEmpty ? nil : .map(kept)
            }
        }
        return removed
    }

    // MARK: - Bytes

    /// Variables by name, each as kind, then its values with their expiries; then the timers.
    /// Sorted throughout, so equal state gives equal bytes (a re-run writes the same delta).
    func encode(_ declared: DeclaredVariables) throws -> [UInt8] {
        var w = KeyStateWriter()
        w.varint(variables.count)
        for (name, contents) in variables.sorted(by: { $0.key < $1.key }) {
            guard let v = declared.byName[name] else { throw TransformWithStateError.corruptState("variable '\(name)' is not declared") }
            w.data(Array(name.utf8))
            switch contents {
            case .value(let e):
                w.byte(0)
                try Self.write(e, v.values, &w)
            case .list(let l):
                w.byte(1)
                w.varint(l.count)
                for e in l { try Self.write(e, v.values, &w) }
            case .map(let m):
                w.byte(2)
                w.varint(m.count)
                for (k, entry) in m.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                    w.data(k)
                    try Self.write(entry.element, v.values, &w)
                }
            }
        }
        w.varint(timers.count)
        for t in timers.sorted() { w.int64(t) }
        return w.bytes
    }

    private static func write(_ e: StoredElement, _ codec: RowCodec, _ w: inout KeyStateWriter) throws {
        w.optionalInt64(e.expiresAt)
        w.data(try codec.encode(e.row))
    }

    init() {}

    init(decoding bytes: [UInt8], _ declared: DeclaredVariables) throws {
        var r = KeyStateReader(bytes)
        func fail(_ what: String) -> TransformWithStateError { .corruptState(what) }
        func element(_ v: DeclaredVariables.Variable) throws -> StoredElement {
            guard let exp = r.optionalInt64(), let row = r.data() else { throw fail("a value of '\(v.spec.name)' is truncated") }
            do { return StoredElement(row: try v.values.decode(row), expiresAt: exp) } catch {
                throw fail("a value of '\(v.spec.name)' does not decode as \(v.spec.shapeDescription): \(error)")
            }
        }
        guard let count = r.varint() else { throw fail("truncated") }
        for _ in 0..<count {
            guard let nameBytes = r.data(), let kind = r.byte() else { throw fail("a variable is truncated") }
            let name = String(decoding: nameBytes, as: UTF8.self)
            guard let v = declared.byName[name] else {
                throw fail("it holds state variable '\(name)', which the processor does not declare")
            }
            switch (kind, v.spec.kind) {
            case (0, .value):
                variables[name] = .value(try element(v))
            case (1, .list):
                guard let n = r.varint() else { throw fail("list '\(name)' is truncated") }
                variables[name] = .list(try (0..<n).map { _ in try element(v) })
            case (2, .map):
                guard let n = r.varint(), let keys = v.keys else { throw fail("map '\(name)' is truncated") }
                var m: [[UInt8]: MapEntry] = [:]
                for _ in 0..<n {
                    guard let k = r.data(), let key = try? keys.decode(k) else { throw fail("a key of map '\(name)' does not decode") }
                    m[k] = MapEntry(key: key, element: try element(v))
                }
                variables[name] = .map(m)
            default:
                throw fail("variable '\(name)' was stored as another kind than \(v.spec.kind.rawValue)")
            }
        }
        guard let n = r.varint() else { throw fail("timers are truncated") }
        for _ in 0..<n {
            guard let t = r.int64() else { throw fail("timers are truncated") }
            timers.insert(t)
        }
        guard r.isAtEnd else { throw fail("trailing bytes") }
    }
}
