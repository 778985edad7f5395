import Foundation
import PostgresNIO
import SQLSinkCore
import Synchronization

/// Runs postgres-nio's async calls to completion for the synchronous `Sink` API.
///
/// The engine calls `open` and `addBatch` on its own threads and waits for the result, so each
/// call blocks its caller until the work is done. The work itself runs as a task whose executor
/// is a thread of this object (a `TaskExecutor`), and its I/O on the sink's own NIO event loop.
/// Neither is a thread of Swift's cooperative pool, so blocking a caller that *is* on that pool
/// (a test, an async caller) cannot starve the work it waits for; and the caller is never an
/// event loop of the sink's group, which must not be blocked (checked).
final class BlockingAsync: Sendable {
    private let executor = ThreadExecutor()

    deinit { executor.stop() }

    /// How long a statement may stay unanswered after its connection closed.
    static let closedConnectionGrace: TimeAmount = .seconds(2)

    /// `body`'s result, waited for on the calling thread.
    ///
    /// With `connectionClosed` (the connection's close future), the wait also ends a short grace
    /// period after the connection closes, with `connectionLost`. postgres-nio fails statements
    /// in flight when its channel closes, but one handed to the channel in the very moment it
    /// closes is dropped without an answer, and the wait would never end (seen when the server
    /// terminated the backend between batches). The abandoned task then stays suspended.
    func run<T: Sendable>(
        connectionClosed: EventLoopFuture<Void>? = nil, _ body: @escaping @Sendable () async throws -> T
    ) throws -> T {
        precondition(MultiThreadedEventLoopGroup.currentEventLoop == nil, "a SQL sink must not be called on an event loop thread")
        let box = ResultBox<T>()
        Task(executorPreference: executor) {
            do { box.set(.success(try await body())) } catch { box.set(.failure(error)) }
        }
        connectionClosed?.whenComplete { [eventLoop = connectionClosed!.eventLoop] _ in
            eventLoop.scheduleTask(in: Self.closedConnectionGrace) {
                box.set(.failure(SQLSinkError.connectionLost(
                    step: "waiting for the server", message: "the connection closed and the statement got no answer")))
            }
        }
        return try box.wait().get()
    }

    /// `body`'s result, waited for on the calling thread; the wait also ends when `watch`'s
    /// connection closes and the statement got no answer (as with `connectionClosed` above, but
    /// with one callback per connection instead of one per call, for callers that make many
    /// calls on one connection).
    func run<T: Sendable>(watch: ConnectionWatch, _ body: @escaping @Sendable () async throws -> T) throws -> T {
        precondition(MultiThreadedEventLoopGroup.currentEventLoop == nil, "a SQL client must not be called on an event loop thread")
        let box = ResultBox<T>()
        let token = watch.register(box)
        defer { watch.unregister(token) }
        Task(executorPreference: executor) {
            do { box.set(.success(try await body())) } catch { box.set(.failure(error)) }
        }
        return try box.wait().get()
    }
}

/// Ends the waits of a connection's calls a grace period after the connection closed, with one
/// callback on its close future for all of them.
final class ConnectionWatch: Sendable {
    private let pending = Mutex<(next: Int, boxes: [Int: any FailableBox], closed: Bool)>((0, [:], false))

    init(_ connectionClosed: EventLoopFuture<Void>) {
        let eventLoop = connectionClosed.eventLoop
        connectionClosed.whenComplete { [weak self] _ in
            guard let watch = self else { return }
            eventLoop.scheduleTask(in: BlockingAsync.closedConnectionGrace) { watch.failAll() }
        }
    }

    private func failAll() {
        let boxes = pending.withLock { p in
            p.closed = true
            return Array(p.boxes.values)
        }
        for b in boxes { b.fail(connectionLostWithoutAnswer) }
    }

    func register(_ box: any FailableBox) -> Int {
        let (token, closed) = pending.withLock { p in
            p.next += 1
            p.boxes[p.next] = box
            return (p.next, p.closed)
        }
        if closed { box.fail(connectionLostWithoutAnswer) }
        return token
    }

    func unregister(_ token: Int) {
        _ = pending.withLock { $0.boxes.removeValue(forKey: token) }
    }
}

private let connectionLostWithoutAnswer = SQLSinkError.connectionLost(
    step: "waiting for the server", message: "the connection closed and the statement got no answer")

/// A wait that can be ended with an error from outside.
protocol FailableBox: Sendable {
    func fail(_ error: any Error)
}

/// One result handed from the task to the waiting thread.
private final class ResultBox<T: Sendable>: FailableBox, @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Result<T, any Error>?

    /// Keeps the first result; later ones are dropped.
    func set(_ r: Result<T, any Error>) {
        condition.lock()
        if result == nil { result = r }
        condition.signal()
        condition.unlock()
    }

    func fail(_ error: any Error) { set(.failure(error)) }

    func wait() -> Result<T, any Error> {
        condition.lock()
        defer { condition.unlock() }
        while result == nil { condition.wait() }
        return result!
    }
}

/// A task executor with one thread of its own that runs the jobs given to it in order.
private final class ThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopped = false

    init() {
        let thread = Thread { [self] in loop() }
        thread.name = "sluice-sql-sink"
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread end once the queued jobs ran.
    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
