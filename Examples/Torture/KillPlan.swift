import Streaming

/// When to kill one worker.
enum KillPlan: Sendable, Equatable, CustomStringConvertible {
    /// Kill this many milliseconds after the start: a random moment.
    case after(ms: Int)
    /// Kill on the `occurrence`-th entry into `phase`, `extraMs` after entering it: makes sure
    /// every step of the protocol is hit, including rare ones (snapshots, the first batch).
    case inPhase(PhaseTrace.Phase, occurrence: Int, extraMs: Int)

    var description: String {
        switch self {
        case .after(let ms): return "after \(ms) ms"
        case .inPhase(let p, let n, let extra): return "in \(p.rawValue) #\(n) + \(extra) ms"
        }
    }
}

/// Draws kill plans from a seeded generator, so a seed always gives the same sequence of plans
/// (where the kills land still depends on timing): every other kill at a random time, the rest
/// aimed at the steps of the batch protocol in shuffled rounds, so that each step is hit early.
struct KillScheduler {
    /// Every phase a worker of `query` goes through; aimed kills cycle through all of them.
    static func targets(_ query: TortureQuery) -> [BatchPhase] {
        query.hasState ? BatchPhase.traced : BatchPhase.traced.filter { $0 != .stateDelta && $0 != .stateSnapshot }
    }

    private let targets: [PhaseTrace.Phase]
    private var rng: SplitMix64
    private let maxDelayMs: Int
    private let phaseDelayMs: Int
    private var drawn = 0
    /// Targets left in the current shuffled round.
    private var queue: [PhaseTrace.Phase] = []
    /// A plan that did not fire because its worker finished first; used for the next worker.
    private var carried: KillPlan?

    init(query: TortureQuery, seed: UInt64, maxDelayMs: Int, phaseDelayMs: Int) {
        targets = Self.targets(query)
        rng = SplitMix64(seed: seed)
        self.maxDelayMs = maxDelayMs
        self.phaseDelayMs = phaseDelayMs
    }

    mutating func next() -> KillPlan {
        if let plan = carried {
            carried = nil
            return plan
        }
        drawn += 1
        if drawn % 2 == 0 { return .after(ms: rng.next(upTo: maxDelayMs + 1)) }
        if queue.isEmpty { queue = targets.shuffled(using: &rng) }
        let phase = queue.removeFirst()
        // Startup happens once per worker; other phases at their 1st to 3rd entry, so workers
        // make progress between kills. Up to 2 ms past the entry delay reaches into the step's I/O.
        let occurrence = phase == .startup ? 1 : 1 + rng.next(upTo: 3)
        return .inPhase(phase, occurrence: occurrence, extraMs: rng.next(upTo: phaseDelayMs + 3))
    }

    /// The worker ended before `plan` fired: keep it for the next worker.
    mutating func unused(_ plan: KillPlan) { carried = plan }

    /// An aimed kill landed in another phase (the worker moved on first): aim at it again next.
    mutating func missed(_ target: PhaseTrace.Phase) { queue.insert(target, at: 0) }
}
