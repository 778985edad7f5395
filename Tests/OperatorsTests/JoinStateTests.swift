import Columnar
import State
import Testing

@testable import Operators

/// The join's buffer: per `(side, key)` rows at indexes 0..<n without gaps.
@Suite struct JoinStateTests {
    func store() throws -> JoinState {
        let keySchema = Schema([Field("side", .int64, nullable: false), Field("key0", .int64), Field("index", .int64, nullable: false)])
        let provider = InMemoryStateStoreProvider(keySchema: keySchema, valueSchema: Schema([Field("v", .int64)]))
        return JoinState(store: try provider.load(version: 0))
    }

    func prefix(_ side: JoinSide, _ key: Int64) -> [UInt8] {
        let keys = GroupKeyBatch(columns: [.int64s([key])], extra: [Int64(side.rawValue)])
        return keys.withKey(0) { Array($0) }
    }

    /// Removing rows from the middle keeps the others in order, renumbered from 0, and leaves
    /// the other side's rows of the same key alone.
    @Test func removingRowsRenumbersTheRest() throws {
        var s = try store()
        let left = prefix(.left, 7), right = prefix(.right, 7)
        for v: UInt8 in [10, 11, 12, 13] { try s.append(left, [v]) }
        try s.append(right, [99])
        let removed = try s.removeAll(of: .left) { _, v in v[0] == 11 || v[0] == 13 }
        #expect(removed.map(\.value) == [[11], [13]])
        #expect(s.count(left) == 2)
        #expect(s.value(left, 0) == [10] && s.value(left, 1) == [12] && s.value(left, 2) == nil)
        #expect(s.count(right) == 1 && s.value(right, 0) == [99])
        // A fresh view of the same store counts the same (no cached count).
        var fresh = JoinState(store: s.store)
        #expect(fresh.count(left) == 2)
        try s.append(left, [14])
        #expect(s.value(left, 2) == [14])
    }
}
