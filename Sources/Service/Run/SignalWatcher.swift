import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGTERM and SIGINT into calls of a handler (on its own queue), instead of the default
/// of dying on the spot: the service then finishes the batch in progress and stops in order.
///
/// One per process is meant: libdispatch installs its own signal handler the first time a
/// signal gets a source and not again, so a second watcher after `cancel()` (which restores the
/// default action) would not hear its signals.
final class SignalWatcher: @unchecked Sendable {
    // Set once in init; DispatchSource is thread-safe.
    private let sources: [any DispatchSourceSignal]
    private let signals: [Int32]

    init(_ signals: [Int32] = [SIGTERM, SIGINT], handler: @escaping @Sendable (Int32) -> Void) {
        self.signals = signals
        let queue = DispatchQueue(label: "sluice.signals")
        var set = sigset_t()
        sigemptyset(&set)
        sources = signals.map { sig in
            // Ignored for the default action; the dispatch source still hears each delivery.
            signal(sig, SIG_IGN)
            sigaddset(&set, sig)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { handler(sig) }
            source.resume()
            return source
        }
        // A process started by a parent that blocks these signals (XCTest's runner does) would
        // otherwise never receive them.
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Stops watching and restores the default actions.
    func cancel() {
        for s in sources { s.cancel() }
        for sig in signals { signal(sig, SIG_DFL) }
    }

    static func name(_ sig: Int32) -> String {
        switch sig {
        case SIGTERM: return "SIGTERM"
        case SIGINT: return "SIGINT"
        default: return "signal \(sig)"
        }
    }
}
