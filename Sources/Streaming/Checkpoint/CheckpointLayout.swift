import Formats

/// The paths inside a checkpoint directory (Spark's layout, so Spark users find their way).
public struct CheckpointLayout: Sendable {
    public let root: String

    public init(root: String) {
        self.root = FileSystem.absolute(root)
    }

    public var metadata: String { FilePaths.join(root, "metadata") }
    public var offsets: String { FilePaths.join(root, "offsets") }
    public var commits: String { FilePaths.join(root, "commits") }
    public var state: String { FilePaths.join(root, "state") }
    public var progress: String { FilePaths.join(root, "progress") }
    public var lock: String { FilePaths.join(root, "lock") }

    /// Where source `index` keeps its own log.
    public func source(_ index: Int) -> String { FilePaths.join(root, "sources", String(index)) }
}
