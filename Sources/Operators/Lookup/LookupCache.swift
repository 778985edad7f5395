/// A least-recently-used cache whose entries also expire a fixed time after they were stored
/// (Flink's lookup cache: `max-rows` and `expire-after-write`).
///
/// Reading an entry makes it the most recently used; storing one past `capacity` evicts the
/// least recently used. An expired entry counts as absent and is removed when it is met.
/// Not thread-safe: its owner serialises access.
public struct LookupCache<Key: Hashable, Entry> {
    public let capacity: Int
    public let timeToLive: Duration

    fileprivate struct Slot {
        var key: Key
        var entry: Entry
        var storedAt: ContinuousClock.Instant
        var newer: Int
        var older: Int
    }

    /// Slots in a doubly linked list from newest (`head`) to oldest (`tail`); -1 ends it.
    private var slots: [Slot] = []
    private var free: [Int] = []
    private var index: [Key: Int] = [:]
    private var head = -1
    private var tail = -1

    public init(capacity: Int, timeToLive: Duration) {
        precondition(capacity > 0, "a lookup cache holds at least one key")
        self.capacity = capacity
        self.timeToLive = timeToLive
    }

    public var count: Int { index.count }

    /// Slots allocated so far: never more than `capacity`, since freed ones are reused.
    var allocatedSlots: Int { slots.count }

    /// The entry for `key` if it is cached and younger than the time to live at `now`.
    public mutating func get(_ key: Key, now: ContinuousClock.Instant) -> Entry? {
        guard let i = index[key] else { return nil }
        if now - slots[i].storedAt >= timeToLive {
            unlink(i)
            index[key] = nil
            free.append(i)
            return nil
        }
        if i != head {
            unlink(i)
            pushFront(i)
        }
        return slots[i].entry
    }

    /// Stores `entry` for `key` as of `now`, evicting the least recently used entry when full.
    public mutating func put(_ key: Key, _ entry: Entry, now: ContinuousClock.Instant) {
        if let i = index[key] {
            slots[i].entry = entry
            slots[i].storedAt = now
            if i != head {
                unlink(i)
                pushFront(i)
            }
            return
        }
        if index.count >= capacity {
            let oldest = tail
            unlink(oldest)
            index[slots[oldest].key] = nil
            free.append(oldest)
        }
        let slot = Slot(key: key, entry: entry, storedAt: now, newer: -1, older: -1)
        let i: Int
        if let reused = free.popLast() {
            slots[reused] = slot
            i = reused
        } else {
            slots.append(slot)
            i = slots.count - 1
        }
        index[key] = i
        pushFront(i)
    }

    private mutating func unlink(_ i: Int) {
        let (newer, older) = (slots[i].newer, slots[i].older)
        if newer >= 0 { slots[newer].older = older } else { head = older }
        if older >= 0 { slots[older].newer = newer } else { tail = newer }
        slots[i].newer = -1
        slots[i].older = -1
    }

    private mutating func pushFront(_ i: Int) {
        slots[i].older = head
        slots[i].newer = -1
        if head >= 0 { slots[head].newer = i }
        head = i
        if tail < 0 { tail = i }
    }
}

extension LookupCache: Sendable where Key: Sendable, Entry: Sendable {}
extension LookupCache.Slot: Sendable where Key: Sendable, Entry: Sendable {}
