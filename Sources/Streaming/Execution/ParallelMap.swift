import Dispatch
import Foundation

/// Maps over a collection on all cores, keeping the input order of the results.
enum ParallelMap {
    static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    static func run<T: Sendable, R: Sendable>(_ items: [T], _ body: @Sendable (T) -> R) -> [R] {
        if items.count <= 1 || cores == 1 { return items.map(body) }
        let results = ResultSlots<R>(count: items.count)
        DispatchQueue.concurrentPerform(iterations: items.count) { i in
            results.set(i, body(items[i]))
        }
        return results.values
    }
}

/// Write-once slots filled from several threads; each index is written by exactly one thread.
private final class ResultSlots<R>: @unchecked Sendable {
    private var slots: [R?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ value: R) { lock.withLock { slots[i] = value } }

    var values: [R] { lock.withLock { slots.map { $0! } } }
}
