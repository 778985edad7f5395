import Operators

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files the source has logged and still remembers, in log order: what keeps a file from
/// being read twice, and what each compact log file holds.
///
/// A file is forgotten (`forget`) only when it is older than `maxFileAge` and was missing from
/// the latest listing: gone from the directory, so it cannot be read twice. Forgetting keeps
/// memory and restart time proportional to the files in the directory plus those of the last
/// `maxFileAge`, not to every file the query ever read.
///
/// A restart loads every remembered file, so the layout is built for that: paths are bytes in
/// one buffer and the path index is an open-addressing table of record numbers, which loads
/// about five times faster than a `[String: Int]` and takes a third of the memory (no object
/// per path).
struct SeenFiles: Sendable {
    private struct Record: Sendable {
        var logId: Int64
        var size: Int64
        var modifiedMillis: Int64
        /// The path's bytes: `paths[pathStart ..< pathStart + pathLength]`.
        var pathStart: Int
        var pathLength: Int32
        /// The number of the last listing that found the file (0: none since this run started);
        /// `forgottenMark` once forgotten.
        var lastListing: Int32
    }

    private static let forgottenMark: Int32 = -1

    /// What a listing found out about one listed file.
    enum Observation: Equatable {
        case new
        case known
        /// Known, but its size or modification time differ from those remembered.
        case changed(before: ListedFile)
    }

    private var records: [Record] = []
    private var paths: [UInt8] = []
    /// Linear probing; each slot holds a record number + 1 (0: empty). A power of two in size,
    /// at most half full. A forgotten record keeps its slot until the next rebuild.
    private var slots: [Int32] = Array(repeating: 0, count: 16)
    private var forgottenCount = 0
    /// The newest modification time of any file logged (the reference of `maxFileAge`).
    private(set) var newestModifiedMillis = Int64.min

    init() {}

    /// Room for `count` files without growing.
    mutating func reserve(files count: Int, pathBytes: Int) {
        records.reserveCapacity(count)
        paths.reserveCapacity(pathBytes)
        if slots.count < 2 * count { rebuildSlots(capacity: 2 * count) }
    }

    var count: Int { records.count - forgottenCount }

    func contains(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { live(find($0).record) != nil }
    }

    // MARK: - Adding

    /// Remembers the files of a new log entry, taken from listing number `listing`.
    mutating func append(_ taken: [ListedFile], logId: Int64, listing: Int) {
        for f in taken {
            var path = f.path
            path.withUTF8 { add(logId: logId, size: f.size, modifiedMillis: f.modifiedMillis, path: $0, listing: Int32(listing)) }
        }
    }

    /// Remembers one file (files must come in log order).
    mutating func add(logId: Int64, size: Int64, modifiedMillis: Int64, path: UnsafeBufferPointer<UInt8>, listing: Int32 = 0) {
        if 2 * (records.count + 1) > slots.count { rebuildSlots(capacity: 2 * (records.count + 1)) }
        let slot = find(path).slot
        records.append(Record(
            logId: logId, size: size, modifiedMillis: modifiedMillis, pathStart: paths.count, pathLength: Int32(path.count),
            lastListing: listing))
        paths.append(contentsOf: path)
        // A path logged again after it was forgotten takes over its old slot.
        slots[slot] = Int32(records.count)
        newestModifiedMillis = max(newestModifiedMillis, modifiedMillis)
    }

    // MARK: - Listing

    /// Looks up a file of listing number `listing` under its listed path and any other path
    /// to it, and marks it as present. A change is remembered, so it is reported once.
    mutating func observe(_ file: ListedFile, otherPaths: [String], listing: Int) -> Observation {
        var found: Int?
        for candidate in [file.path] + otherPaths where found == nil {
            var p = candidate
            found = p.withUTF8 { live(find($0).record) }
        }
        guard let i = found else { return .new }
        records[i].lastListing = Int32(listing)
        let before = ListedFile(path: path(i), size: records[i].size, modifiedMillis: records[i].modifiedMillis)
        guard before.size != file.size || before.modifiedMillis != file.modifiedMillis else { return .known }
        records[i].size = file.size
        records[i].modifiedMillis = file.modifiedMillis
        return .changed(before: before)
    }

    /// Forgets files of entries through `logId` that listing number `listing` did not find and
    /// whose modification time is before `cutoffMillis`. Returns how many it forgot.
    @discardableResult
    mutating func forget(missingFrom listing: Int, modifiedBefore cutoffMillis: Int64, through logId: Int64) -> Int {
        var forgot = 0
        for i in records.indices {
            if records[i].logId > logId { break }
            let r = records[i]
            if r.lastListing != Self.forgottenMark && r.lastListing < listing && r.modifiedMillis < cutoffMillis {
                records[i].lastListing = Self.forgottenMark
                forgot += 1
            }
        }
        forgottenCount += forgot
        if forgottenCount > records.count / 2 { dropForgotten() }
        return forgot
    }

    // MARK: - Reading

    /// The remembered files of entries `from + 1 ... through`, in log order.
    func files(after from: Int64, through to: Int64) -> [ListedFile] {
        // Records are in log order: find the first one past `from` by bisection.
        var lo = 0, hi = records.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if records[mid].logId <= from { lo = mid + 1 } else { hi = mid }
        }
        var out: [ListedFile] = []
        for i in lo..<records.count {
            let r = records[i]
            if r.logId > to { break }
            if r.lastListing != Self.forgottenMark { out.append(ListedFile(path: path(i), size: r.size, modifiedMillis: r.modifiedMillis)) }
        }
        return out
    }

    /// Calls `body` with every remembered file in log order: entry, size, modification time, path bytes.
    func forEach(_ body: (Int64, Int64, Int64, UnsafeBufferPointer<UInt8>) -> Void) {
        paths.withUnsafeBufferPointer { all in
            for r in records where r.lastListing != Self.forgottenMark {
                body(r.logId, r.size, r.modifiedMillis, UnsafeBufferPointer(rebasing: all[r.pathStart..<(r.pathStart + Int(r.pathLength))]))
            }
        }
    }

    // MARK: - The index

    private func path(_ i: Int) -> String {
        let r = records[i]
        return String(decoding: paths[r.pathStart..<(r.pathStart + Int(r.pathLength))], as: UTF8.self)
    }

    private func live(_ record: Int?) -> Int? {
        guard let record, records[record].lastListing != Self.forgottenMark else { return nil }
        return record
    }

    /// The slot holding `path`'s record, or the empty slot where it would go.
    private func find(_ path: UnsafeBufferPointer<UInt8>) -> (slot: Int, record: Int?) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: StableHash.xxHash64(UnsafeRawBufferPointer(path))) & mask
        return paths.withUnsafeBufferPointer { all in
            while true {
                let n = Int(slots[slot])
                if n == 0 { return (slot, nil) }
                let r = records[n - 1]
                if Int(r.pathLength) == path.count
                    && (path.isEmpty || memcmp(all.baseAddress! + r.pathStart, path.baseAddress!, path.count) == 0)
                {
                    return (slot, n - 1)
                }
                slot = (slot + 1) & mask
            }
        }
    }

    private mutating func rebuildSlots(capacity: Int) {
        var size = 16
        while size < capacity { size *= 2 }
        slots = Array(repeating: 0, count: size)
        for i in records.indices where records[i].lastListing != Self.forgottenMark {
            let r = records[i]
            let slot = paths.withUnsafeBufferPointer { find(UnsafeBufferPointer(rebasing: $0[r.pathStart..<(r.pathStart + Int(r.pathLength))])).slot }
            slots[slot] = Int32(i + 1)
        }
    }

    /// Rebuilds records, paths and slots without the forgotten files.
    private mutating func dropForgotten() {
        var kept: [Record] = []
        var keptPaths: [UInt8] = []
        kept.reserveCapacity(count)
        for var r in records where r.lastListing != Self.forgottenMark {
            let start = keptPaths.count
            keptPaths += paths[r.pathStart..<(r.pathStart + Int(r.pathLength))]
            r.pathStart = start
            kept.append(r)
        }
        records = kept
        paths = keptPaths
        forgottenCount = 0
        rebuildSlots(capacity: 2 * records.count)
    }
}
