import Streaming

/// An operator's action between two workers (the worker is dead, nothing else runs).
enum OperatorAction: String, CaseIterable {
    case backupCheckpoint = "back up the checkpoint"
    case restoreCheckpoint = "restore an older checkpoint"
    case backupTable = "back up the table"
    case restoreTable = "restore an older table"
    case deleteTable = "delete the table"
}

/// When restores and deletions happen, from the kill count: a restore every `period` kills, of a
/// backup taken a seeded 1 to `period - 1` kills before, so the same seed gives the same actions.
struct BackupCycle {
    let period: Int
    private var rng: SplitMix64
    /// The backup's age in kills, per cycle (drawn when the cycle is first reached).
    private var ages: [Int: Int] = [:]

    init(period: Int, seed: UInt64) {
        self.period = period
        rng = SplitMix64(seed: seed)
    }

    mutating func due(atKill k: Int) -> (backup: Bool, restore: Bool) {
        guard period >= 2, k > 0 else { return (false, false) }
        let cycle = (k + period - 1) / period
        if ages[cycle] == nil { ages[cycle] = 1 + rng.next(upTo: period - 1) }
        return (k == cycle * period - ages[cycle]!, k == cycle * period)
    }
}

/// The operator actions due after each kill.
struct OperatorSchedule {
    private var checkpoints: BackupCycle
    private var tables: BackupCycle
    private let deleteEvery: Int

    init(restoreCheckpointEvery: Int, restoreTableEvery: Int, deleteTableEvery: Int, seed: UInt64) {
        checkpoints = BackupCycle(period: restoreCheckpointEvery, seed: seed ^ 0xC0FF_EE00)
        tables = BackupCycle(period: restoreTableEvery, seed: seed ^ 0x7AB1_E000)
        deleteEvery = deleteTableEvery
    }

    /// In order: restores before backups (a backup is never of the state a restore just made),
    /// deletion last.
    mutating func due(afterKill k: Int) -> [OperatorAction] {
        let c = checkpoints.due(atKill: k)
        let t = tables.due(atKill: k)
        var actions: [OperatorAction] = []
        if c.restore { actions.append(.restoreCheckpoint) }
        if t.restore { actions.append(.restoreTable) }
        if c.backup { actions.append(.backupCheckpoint) }
        if t.backup { actions.append(.backupTable) }
        if deleteEvery > 0 && k % deleteEvery == 0 { actions.append(.deleteTable) }
        return actions
    }
}

/// How often the operator acts; 0 turns an action off.
struct OperatorSettings: Sendable {
    /// Kills between restores of an older copy of the checkpoint (at least 2: the copy is taken in between).
    var restoreCheckpointEvery = 0
    /// Kills between restores of an older copy of the table (at least 2).
    var restoreTableEvery = 0
    /// Kills between deletions of the table.
    var deleteTableEvery = 0
    /// Worker starts between maintenance loops (optimize, vacuum) beside the worker.
    var maintainEvery = 0
    /// Worker starts between replays of a day beside the stream.
    var replayEvery = 0
}
