/// Exit statuses of the harness's child processes beyond 0 (done) and 1 (failed), so the driver
/// can tell an expected refusal from a failure without parsing every message.
enum TortureExitCode {
    /// The engine refused, as documented (a sink out of step with its checkpoint, a replay of a
    /// query that cannot be replayed); the message is on the output.
    static let refused: Int32 = 3
    /// A replay lost to concurrent commits after all its attempts (`concurrentModification`).
    static let conflict: Int32 = 4
}
