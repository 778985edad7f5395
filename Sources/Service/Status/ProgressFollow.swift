import Foundation
import Streaming

/// Prints a checkpoint's progress records as batches complete (`progress --follow`): first the
/// latest `last`, then each new one, polling `progress/` every `interval` seconds. Never returns;
/// the process ends on SIGINT. Reads only, so it runs beside the query.
public func followProgress(checkpoint: String, last: Int, interval: Double) -> Never {
    let inspector = CheckpointInspector(checkpoint)
    var printed: Int64 = -1
    var announcedWait = false
    while true {
        // The checkpoint may not exist yet when following a query about to start.
        let records = (try? inspector.progress()) ?? []
        let fresh = printed < 0 ? Array(records.suffix(max(last, 0))) : records.filter { $0.batchId > printed }
        for p in fresh { print(p.json) }
        if let newest = records.last?.batchId { printed = max(printed, newest) }
        if records.isEmpty && !announcedWait {
            FileHandle.standardError.write(Data("waiting for the first batch in \(checkpoint)…\n".utf8))
            announcedWait = true
        }
        fflush(nil)
        Thread.sleep(forTimeInterval: max(interval, 0.05))
    }
}
