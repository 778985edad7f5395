import Streaming

/// The operator's actions between two workers, and what the harness then demands: the next start
/// does what `StartExpectation` says, each refusal names the problem (both batch numbers), and
/// after the documented way out (`sluice recover`, the matching backup put back, a new
/// checkpoint) the query runs on and ends with every row once.
extension TortureRound {
    /// What the harness does when the next start is refused and recover cannot (or need not) help.
    enum Fallback {
        /// Put back the checkpoint that matched the table before the action (saved at this path).
        case putBackCheckpoint(String)
        /// Put back the table that matched the checkpoint before the action (saved at this path).
        case putBackTable(String)
        /// Delete the table and start on a new checkpoint: the source rebuilds it.
        case startOver
    }

    /// Performs `action`; false when something was not as it must be (recorded in `report`).
    func perform(_ action: OperatorAction, state: inout RoundState, report: inout TortureReport) throws -> Bool {
        let kill = report.kills
        switch action {
        case .backupCheckpoint:
            guard FileSystem.exists(CheckpointLayout(root: state.checkpoint).metadata) else { return true }
            if let old = state.checkpointBackup { try Directories.remove(old) }
            state.checkpointBackup = state.path("backup-checkpoint-\(kill)")
            try Directories.copy(state.checkpoint, to: state.checkpointBackup!)
            return true
        case .backupTable:
            guard DeltaTable.exists(at: state.table) else { return true }
            if let old = state.tableBackup { try Directories.remove(old) }
            state.tableBackup = state.path("backup-table-\(kill)")
            try Directories.copy(state.table, to: state.tableBackup!)
            return true
        case .restoreCheckpoint:
            report.operators.count(action.rawValue)
            guard let backup = state.checkpointBackup else {
                report.operators.outcome(action.rawValue, ["skipped: no backup of this checkpoint (new round or checkpoint)"])
                return true
            }
            let saved = state.path("matching-checkpoint")
            try Directories.copy(state.checkpoint, to: saved)
            try Directories.copy(backup, to: state.checkpoint)
            try Directories.remove(backup)
            state.checkpointBackup = nil
            if settings.verbose { print("  restored the checkpoint backed up after kill \(backup.split(separator: "-").last ?? "")") }
            defer { try? Directories.remove(saved) }
            return try settle(action, fallback: .putBackCheckpoint(saved), state: &state, report: &report)
        case .restoreTable:
            report.operators.count(action.rawValue)
            guard let backup = state.tableBackup else {
                report.operators.outcome(action.rawValue, ["skipped: no backup of this table (new round or checkpoint)"])
                return true
            }
            let saved = state.path("matching-table")
            if DeltaTable.exists(at: state.table) { try Directories.move(state.table, to: saved) }
            try Directories.move(backup, to: state.table)
            state.tableBackup = nil
            if settings.verbose { print("  restored the table backed up after kill \(backup.split(separator: "-").last ?? "")") }
            defer { try? Directories.remove(saved) }
            return try settle(action, fallback: .putBackTable(saved), state: &state, report: &report)
        case .deleteTable:
            report.operators.count(action.rawValue)
            try Directories.remove(state.table)
            if settings.verbose { print("  deleted the table") }
            return try settle(action, fallback: .startOver, state: &state, report: &report)
        }
    }

    /// Predicts the next start, checks a predicted refusal by starting a worker, and repairs the
    /// way docs/RELIABILITY.md says, until the next start proceeds. Records the path taken.
    private func settle(_ action: OperatorAction, fallback: Fallback, state: inout RoundState, report: inout TortureReport) throws -> Bool {
        var steps: [String] = []
        for _ in 0..<4 {
            let expectation = try StartExpectation.predict(table: state.table, checkpoint: state.checkpoint, query: query)
            if settings.verbose { print("  next start: \(expectation)") }
            switch expectation {
            case .proceeds:
                steps.append(steps.isEmpty ? "no effect (\(Self.noEffect(action))): next start proceeds" : "next start proceeds")
                report.operators.outcome(action.rawValue, steps)
                return true
            case .reapplies:
                steps.append("next start re-applies the lost batches")
                report.operators.outcome(action.rawValue, steps)
                return true
            case .refusedAhead(let sink, let committed):
                let named = ["holds batch \(sink) of this query", committed.map { "has committed batch \($0)" } ?? "has committed no batch"]
                guard try expectRefusal(naming: named, state: state, report: &report) else { return false }
                steps.append("start refused, naming both batches (table ahead)")
                let before = try Directories.fingerprint(state.table)
                let repair = try CheckpointRecovery(checkpoint: state.checkpoint).repair()
                if settings.verbose { print("  recover: \(repair.message)") }
                switch repair.outcome {
                case .rolledBack:
                    steps.append("recover rolled the table back")
                    continue
                case .cannotRepair:
                    guard let cause = try RecoverRefusal.cause(of: repair.message, table: state.table) else {
                        report.failures.append("recover refused without naming a documented cause: \(repair.message)")
                        return false
                    }
                    guard try Directories.fingerprint(state.table) == before else {
                        report.failures.append("recover refused (\(repair.message)) but changed the table")
                        return false
                    }
                    steps.append("recover refused, naming \(cause); table unchanged")
                case .nothingToRepair:
                    report.failures.append("the start was refused as ahead, but recover found nothing to repair: \(repair.message)")
                    return false
                }
            case .refusedBehind(let sink, let committed, let lost):
                let named = ["has committed batch \(committed)", "lost batches \(lost.lowerBound)...\(lost.upperBound)"]
                guard try expectRefusal(naming: named, state: state, report: &report) else { return false }
                steps.append("start refused, naming both batches (table at \(sink < 0 ? "none" : "an older batch"), the batches to re-run gone)")
            }
            switch fallback {
            case .putBackCheckpoint(let saved):
                try Directories.copy(saved, to: state.checkpoint)
                steps.append("matching checkpoint put back")
            case .putBackTable(let saved) where FileSystem.exists(saved):
                try Directories.move(saved, to: state.table)
                steps.append("matching table put back")
            case .putBackTable:
                // There was no table before the restore: nothing matching to put back.
                try state.startOver()
                steps.append("started over on a new checkpoint")
            case .startOver:
                try state.startOver()
                steps.append("started over on a new checkpoint")
            }
        }
        report.failures.append("after \(action.rawValue): no start proceeded after \(steps.joined(separator: " → "))")
        return false
    }

    private static func noEffect(_ action: OperatorAction) -> String {
        switch action {
        case .restoreCheckpoint: return "the table had not moved on since the backup"
        case .restoreTable: return "the checkpoint had not moved on since the backup"
        default: return "the checkpoint had put no batch in the table yet"
        }
    }

    /// Starts a worker that must refuse (exit 3) with a message containing every string of `named`.
    private func expectRefusal(naming named: [String], state: RoundState, report: inout TortureReport) throws -> Bool {
        let worker = try spawnWorker(state: state)
        report.refusedStarts += 1
        let exit = worker.wait()
        let text = (try? FileSystem.readString(log)) ?? ""
        let absent = named.filter { !text.contains($0) }
        if exit == .exited(TortureExitCode.refused) && absent.isEmpty { return true }
        report.failures.append(
            "the start was to be refused naming \(named.map { "\"\($0)\"" }.joined(separator: " and ")), but it ended with \(exit)"
                + (absent.isEmpty ? "" : ", the message lacking \(absent.joined(separator: ", "))") + ":")
        report.failures += Self.tail(log)
        return false
    }
}
