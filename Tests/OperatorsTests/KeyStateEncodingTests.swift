import Columnar
import Testing

@testable import Operators

/// The stored form of one key's `transformWithState` state: what goes in comes back out, equal
/// state gives equal bytes (a re-run batch writes the same delta), and damage is reported.
@Suite struct KeyStateEncodingTests {
    static let value = ValueStateSpec<String>("v", ttl: .seconds(5))
    static let list = ListStateSpec<Double>("l")
    static let map = MapStateSpec<Int64, Bool>("m", ttl: .seconds(1))

    static func declared() throws -> DeclaredVariables { try DeclaredVariables([value, list, map]) }

    /// A state built through the handle, as a processor builds it, with keys in the given order.
    static func state(mapKeys: [Int64], timers: [Int64]) throws -> KeyState {
        let handle = StatefulProcessorHandle(key: ["k"], state: KeyState(), timeMode: .eventTime, now: 1_000, declared: try declared())
        try handle.value(value).update("hello")
        try handle.list(list).appendList([1.5, -0.0, .nan])
        for k in mapKeys { try handle.map(map).updateValue(k, k % 2 == 0) }
        for t in timers { try handle.registerTimer(atMicros: t) }
        return handle.state
    }

    @Test func roundTripsEveryKindWithExpiriesAndTimers() throws {
        let s = try Self.state(mapKeys: [3, 1, 2], timers: [30, 10, 20])
        let back = try KeyState(decoding: try s.encode(try Self.declared()), try Self.declared())
        #expect(back.timers == [10, 20, 30])
        #expect(back.nextTimer == 10)
        let expiry: Int64? = 1_000 + 1_000_000
        #expect(back.nextExpiry == expiry)
        let handle = StatefulProcessorHandle(key: ["k"], state: back, timeMode: .eventTime, now: 2_000, declared: try Self.declared())
        #expect(try handle.value(Self.value).get() == "hello")
        let l = try handle.list(Self.list).get()
        #expect(l.count == 3 && l[0] == 1.5 && l[1].sign == .minus && l[2].isNaN)
        #expect(try handle.map(Self.map).keys() == [1, 2, 3])
        #expect(try handle.map(Self.map).getValue(2) == true)
    }

    @Test func equalStateEncodesToEqualBytesWhateverTheOrderOfWrites() throws {
        let a = try Self.state(mapKeys: [3, 1, 2], timers: [30, 10, 20])
        let b = try Self.state(mapKeys: [2, 3, 1], timers: [20, 30, 10])
        #expect(try a.encode(try Self.declared()) == b.encode(try Self.declared()))
    }

    @Test func ttlRemovesExactlyTheValuesWhoseExpiryTheClockReached() throws {
        var s = try Self.state(mapKeys: [1, 2], timers: [])
        #expect(s.removeExpired(now: 1_000 + 999_999) == 0)
        #expect(s.removeExpired(now: 1_000 + 1_000_000) == 2)  // the map entries (1 s TTL)
        #expect(s.variables["m"] == nil && s.variables["v"] != nil && s.variables["l"] != nil)
        #expect(s.removeExpired(now: 1_000 + 5_000_000) == 1)  // the value; the list has no TTL
        #expect(s.variables.keys.sorted() == ["l"])
    }

    @Test func damagedBytesAreReportedNotTrappedOn() throws {
        let bytes = try Self.state(mapKeys: [1], timers: [5]).encode(try Self.declared())
        for cut in [1, bytes.count / 2, bytes.count - 1] {
            #expect(throws: TransformWithStateError.self) { try KeyState(decoding: Array(bytes[..<cut]), try Self.declared()) }
        }
        let other = try DeclaredVariables([Self.list, Self.map])
        let error = #expect(throws: TransformWithStateError.self) { try KeyState(decoding: bytes, other) }
        #expect(error?.description.contains("state variable 'v', which the processor does not declare") == true)
    }

    @Test func usingAVariableAsAnotherTypeThanDeclaredIsRefused() throws {
        let handle = StatefulProcessorHandle(key: ["k"], state: KeyState(), timeMode: .none, now: 0, declared: try Self.declared())
        let error = #expect(throws: TransformWithStateError.self) { try handle.value(ValueStateSpec<Int64>("v", ttl: .seconds(5))) }
        #expect(error?.description.contains("is used as v: value<value int64> ttl 5000000 µs but declared as v: value<value string>") == true)
        #expect(throws: TransformWithStateError.self) { try DeclaredVariables([ValueStateSpec<Int64>("x", ttl: .zero)]) }
    }
}
