/// What operators did to a query's table and checkpoint during a torture run, and what came of
/// each action, for the report.
struct OperatorTally {
    /// Actions by kind, in the order first seen.
    private(set) var actions: [(kind: String, count: Int)] = []
    /// For each action kind, how it ended, as the steps it went through ("refused: table ahead →
    /// recover rolled the table back → next start proceeds"), with how often.
    private(set) var outcomes: [String: [String: Int]] = [:]
    /// Finished maintenance operations beside workers, by kind ("optimize committed", ...).
    var maintenance: [String: Int] = [:]
    var filesVacuumed = 0
    /// Replay commits still in effect in the tables compared at the end of rounds.
    var replaysInFinalTables = 0
    /// Windows those replays wrote unlike the uninterrupted stream (rows it dropped as late counted).
    var replayedWindowsUnlikeTheStream = 0
    /// Rounds whose table history holds commits other than the stream's appends (optimize, a
    /// rollback, a replay), so the version cannot equal the reference's and the query's `txn` is
    /// compared instead.
    var roundsWithOtherCommits = 0

    var isEmpty: Bool { actions.isEmpty && maintenance.isEmpty }

    mutating func count(_ kind: String) {
        if let i = actions.firstIndex(where: { $0.kind == kind }) {
            actions[i].count += 1
        } else {
            actions.append((kind, 1))
        }
    }

    mutating func outcome(_ kind: String, _ steps: [String]) {
        outcomes[kind, default: [:]][steps.joined(separator: " → "), default: 0] += 1
    }

    func print() {
        guard !isEmpty else { return }
        Swift.print("operator actions:")
        for (kind, count) in actions {
            Swift.print("  \(kind): \(count)")
            for (path, n) in (outcomes[kind] ?? [:]).sorted(by: { $0.key < $1.key }) { Swift.print("    \(n) × \(path)") }
        }
        if !maintenance.isEmpty {
            let ops = maintenance.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            Swift.print("  maintenance operations finished beside workers: \(ops); \(filesVacuumed) files vacuumed")
        }
        if replaysInFinalTables > 0 {
            Swift.print(
                "  replay commits in effect in the final tables: \(replaysInFinalTables)"
                    + (replayedWindowsUnlikeTheStream > 0
                        ? " (\(replayedWindowsUnlikeTheStream) windows unlike the stream's: rows it dropped as late count)" : ""))
        }
        if roundsWithOtherCommits > 0 {
            Swift.print("  rounds whose history has other writers' commits (txn compared instead of the version): \(roundsWithOtherCommits)")
        }
    }
}
