/// What a read-then-write commit (a partition replacement) depends on, checked against every
/// commit that landed after the version it read: Delta's conflict detection at the
/// WriteSerializable isolation level (Delta PROTOCOL.md "Optimistic concurrency"; the rules of
/// Delta's ConflictChecker).
///
/// - A winning commit that removes a file this commit removes (another replacement, an
///   `optimize`, an update-mode merge) is a conflict (concurrent delete): the rows of that
///   file would be lost or kept twice.
/// - A winning commit that adds data (`dataChange=true`) in a partition this commit read is a
///   conflict unless it is a blind append (`commitInfo.isBlindAppend=true`): a blind append's
///   rows come from input this commit did not read, so both sets of rows stay.
/// - Additions with `dataChange=false` (compaction of files added after the read version)
///   carry rows that are already in the table, so they are kept too.
/// - A change of `metaData` or `protocol` is a conflict.
public struct DeltaReadSet: Sendable {
    /// True for partition values (as serialized in the log) whose data this commit read.
    public var readsPartition: @Sendable ([String: String?]) -> Bool
    /// Paths (as in the log) of the files this commit removes.
    public var removedPaths: Set<String>

    public init(readsPartition: @escaping @Sendable ([String: String?]) -> Bool, removedPaths: Set<String>) {
        self.readsPartition = readsPartition
        self.removedPaths = removedPaths
    }

    /// Throws `concurrentModification` if `winning`, the actions of commit `version`, conflicts.
    public func check(_ winning: [DeltaAction], version: Int64, table: String) throws {
        var blindAppend = false
        for case .commitInfo(let c) in winning { blindAppend = c.isBlindAppend == true }
        for action in winning {
            switch action {
            case .metaData, .protocol:
                throw DeltaError.concurrentModification(table, "version \(version) changed the table's schema or protocol; run the operation again")
            case .remove(let r) where removedPaths.contains(r.path):
                throw DeltaError.concurrentModification(
                    table, "version \(version) removed \(r.path), which this commit also removes (a concurrent replay, optimize or merge); run the operation again")
            case .add(let f) where f.dataChange && !blindAppend && readsPartition(f.partitionValues):
                throw DeltaError.concurrentModification(
                    table, "version \(version) rewrote data in partition \(f.partitionValues.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value ?? "null")" }.joined(separator: "/")), which this commit replaces; run the operation again")
            default:
                continue
            }
        }
    }
}
