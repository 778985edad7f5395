import Columnar

/// The state and timers of the grouping key a processor call is for (Spark's
/// `StatefulProcessorHandle` with its implicit key). Valid only during that call.
public final class StatefulProcessorHandle {
    /// The grouping key's values.
    public let key: [Value]
    let timeMode: TimeMode
    /// The batch's processing time (µs): TTLs are set and checked against it.
    let now: Int64
    let declared: DeclaredVariables
    var state: KeyState
    /// Timers registered and deleted during the call (for progress).
    private(set) var registeredTimers = 0
    private(set) var deletedTimers = 0

    init(key: [Value], state: KeyState, timeMode: TimeMode, now: Int64, declared: DeclaredVariables) {
        self.key = key
        self.state = state
        self.timeMode = timeMode
        self.now = now
        self.declared = declared
    }

    // MARK: Timers

    /// Registers a timer at `micros` (processing time or event time, as the time mode says);
    /// registering a time the key already has is a no-op. A timer at or before the batch's
    /// timer threshold (its watermark or processing time) fires in this batch, except one that
    /// `handleExpiredTimer` registers at or before the time firing: that one waits for the next.
    public func registerTimer(atMicros micros: Int64) throws {
        guard timeMode != .none else { throw TransformWithStateError.invalidTimeMode(operation: "registerTimer", timeMode: timeMode) }
        if state.timers.insert(micros).inserted { registeredTimers += 1 }
    }

    /// Deletes the key's timer at `micros`, if there is one.
    public func deleteTimer(atMicros micros: Int64) throws {
        guard timeMode != .none else { throw TransformWithStateError.invalidTimeMode(operation: "deleteTimer", timeMode: timeMode) }
        if state.timers.remove(micros) != nil { deletedTimers += 1 }
    }

    /// The key's timers, earliest first.
    public func listTimers() throws -> [Int64] {
        guard timeMode != .none else { throw TransformWithStateError.invalidTimeMode(operation: "listTimers", timeMode: timeMode) }
        return state.timers.sorted()
    }

    // MARK: State

    /// The key's value state declared as `spec`.
    public func value<T>(_ spec: ValueStateSpec<T>) throws -> ValueState<T> { ValueState(handle: self, variable: try declared.variable(for: spec)) }
    /// The key's list state declared as `spec`.
    public func list<T>(_ spec: ListStateSpec<T>) throws -> ListState<T> { ListState(handle: self, variable: try declared.variable(for: spec)) }
    /// The key's map state declared as `spec`.
    public func map<K, V>(_ spec: MapStateSpec<K, V>) throws -> MapState<K, V> { MapState(handle: self, variable: try declared.variable(for: spec)) }

    /// Removes every state variable of the key (its timers stay).
    public func clearAllState() { state.variables.removeAll() }

    func element(_ row: [Value], _ variable: DeclaredVariables.Variable) -> StoredElement {
        StoredElement(row: row, expiresAt: variable.ttlMicros.map { now + $0 })
    }
}

/// One value per key (Spark's `ValueState`); an expired value reads as absent.
public struct ValueState<T: StateCodable> {
    let handle: StatefulProcessorHandle
    let variable: DeclaredVariables.Variable
    private var name: String { variable.spec.name }

    public func exists() -> Bool { (try? get()) != nil }

    public func get() throws -> T? {
        guard case .value(let e) = handle.state.variables[name], !e.isExpired(at: handle.now) else { return nil }
        return try T(stateRow: e.row)
    }

    /// Sets the value; with a TTL its expiry becomes now + TTL.
    public func update(_ value: T) throws {
        _ = try variable.values.encode(value.stateRow)  // type-checked now, not at commit
        handle.state.variables[name] = .value(handle.element(value.stateRow, variable))
    }

    public func clear() { handle.state.variables[name] = nil }
}

/// A list per key (Spark's `ListState`); each element has its own TTL, set when it was written.
public struct ListState<T: StateCodable> {
    let handle: StatefulProcessorHandle
    let variable: DeclaredVariables.Variable
    private var name: String { variable.spec.name }

    private var stored: [StoredElement] {
        guard case .list(let l) = handle.state.variables[name] else { return [] }
        return l.filter { !$0.isExpired(at: handle.now) }
    }

    public func exists() -> Bool { !stored.isEmpty }

    /// The elements that have not expired, in the order they were added.
    public func get() throws -> [T] { try stored.map { try T(stateRow: $0.row) } }

    /// Replaces the list (every element gets a fresh TTL).
    public func put(_ values: [T]) throws {
        let elements = try values.map { v in
            _ = try variable.values.encode(v.stateRow)
            return handle.element(v.stateRow, variable)
        }
        handle.state.variables[name] = elements.isEmpty ? nil : .list(elements)
    }

    public func appendValue(_ value: T) throws { try appendList([value]) }

    /// Appends; only the new elements get a fresh TTL.
    public func appendList(_ values: [T]) throws {
        guard !values.isEmpty else { return }
        var l: [StoredElement] = []
        if case .list(let old) = handle.state.variables[name] { l = old }
        for v in values {
            _ = try variable.values.encode(v.stateRow)
            l.append(handle.element(v.stateRow, variable))
        }
        handle.state.variables[name] = .list(l)
    }

    public func clear() { handle.state.variables[name] = nil }
}

/// A map per key (Spark's `MapState`); each entry has its own TTL, set when it was written.
public struct MapState<K: StateCodable, V: StateCodable> {
    let handle: StatefulProcessorHandle
    let variable: DeclaredVariables.Variable
    private var name: String { variable.spec.name }

    private var stored: [[UInt8]: MapEntry] {
        guard case .map(let m) = handle.state.variables[name] else { return [:] }
        return m.filter { !$0.value.element.isExpired(at: handle.now) }
    }

    private func keyBytes(_ k: K) throws -> [UInt8] { try variable.keys!.encode(k.stateRow) }

    public func exists() -> Bool { !stored.isEmpty }

    public func getValue(_ key: K) throws -> V? {
        guard let e = stored[try keyBytes(key)] else { return nil }
        return try V(stateRow: e.element.row)
    }

    public func containsKey(_ key: K) throws -> Bool { stored[try keyBytes(key)] != nil }

    /// Sets the entry; with a TTL its expiry becomes now + TTL.
    public func updateValue(_ key: K, _ value: V) throws {
        let k = try keyBytes(key)
        _ = try variable.values.encode(value.stateRow)
        var m: [[UInt8]: MapEntry] = [:]
        if case .map(let old) = handle.state.variables[name] { m = old }
        m[k] = MapEntry(key: key.stateRow, element: handle.element(value.stateRow, variable))
        handle.state.variables[name] = .map(m)
    }

    public func removeKey(_ key: K) throws {
        guard case .map(var m) = handle.state.variables[name] else { return }
        m[try keyBytes(key)] = nil
        handle.state.variables[name] = m.isEmpty ? nil : .map(m)
    }

    /// The entries that have not expired, ordered by their keys' stored bytes.
    public func entries() throws -> [(key: K, value: V)] {
        try stored.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { (try K(stateRow: $0.value.key), try V(stateRow: $0.value.element.row)) }
    }

    public func keys() throws -> [K] { try entries().map(\.key) }
    public func values() throws -> [V] { try entries().map(\.value) }

    public func clear() { handle.state.variables[name] = nil }
}
