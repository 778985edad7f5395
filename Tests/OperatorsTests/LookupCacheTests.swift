import Testing

@testable import Operators

@Suite struct LookupCacheTests {
    let t0 = ContinuousClock.now

    @Test func aFullCacheEvictsTheLeastRecentlyUsedKey() {
        var cache = LookupCache<String, Int>(capacity: 3, timeToLive: .seconds(60))
        for (i, k) in ["a", "b", "c"].enumerated() { cache.put(k, i, now: t0) }
        #expect(cache.get("a", now: t0) == 0)  // b is now the least recently used
        cache.put("d", 3, now: t0)
        #expect(cache.get("b", now: t0) == nil)
        #expect([cache.get("a", now: t0), cache.get("c", now: t0), cache.get("d", now: t0)] == [0, 2, 3])
        #expect(cache.count == 3)
        cache.put("c", 20, now: t0)  // replacing does not evict
        cache.put("e", 4, now: t0)  // evicts a (c, d and e were used after it)
        #expect(cache.get("a", now: t0) == nil)
        #expect([cache.get("c", now: t0), cache.get("d", now: t0), cache.get("e", now: t0)] == [20, 3, 4])
    }

    @Test func anEntryExpiresItsTimeToLiveAfterItWasStoredHoweverOftenItIsRead() {
        var cache = LookupCache<Int, String>(capacity: 10, timeToLive: .seconds(10))
        cache.put(1, "one", now: t0)
        #expect(cache.get(1, now: t0 + .seconds(5)) == "one")
        #expect(cache.get(1, now: t0 + .milliseconds(9_999)) == "one")
        #expect(cache.get(1, now: t0 + .seconds(10)) == nil)
        #expect(cache.count == 0)
        cache.put(1, "uno", now: t0 + .seconds(10))
        #expect(cache.get(1, now: t0 + .seconds(15)) == "uno")
    }

    @Test func slotsOfExpiredAndEvictedKeysAreReused() {
        var cache = LookupCache<Int, Int>(capacity: 2, timeToLive: .seconds(1))
        for round in 0..<100 {
            let now = t0 + .seconds(round * 2)
            cache.put(round, round, now: now)
            cache.put(-round - 1, round, now: now)
            #expect(cache.get(round, now: now) == round)
            if round > 0 { #expect(cache.get(round - 1, now: now) == nil) }
        }
        #expect(cache.count == 2)
        #expect(cache.allocatedSlots == 2)
    }
}
