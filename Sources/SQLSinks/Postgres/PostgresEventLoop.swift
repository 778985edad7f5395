import NIOPosix

/// The event loop every PostgreSQL connection of the process runs on (sinks and lookup
/// sources), never shut down. A group per sink or source would have to be shut down when its
/// owner goes, and a group released while `shutdownGracefully` is still running is used after
/// it was freed (NIO completes the shutdown on a dispatch queue that touches the group's lock),
/// which corrupted the heap at the end of queries. The work on it is short: callers wait on
/// their own threads.
enum PostgresEventLoop {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
}
