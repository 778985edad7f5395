/// Receives the life-cycle events of every query of a session.
public protocol StreamingQueryListener: AnyObject, Sendable {
    func onQueryStarted(id: String, runId: String, name: String?)
    func onQueryProgress(_ progress: StreamingQueryProgress)
    /// `error` is nil when the query stopped normally.
    func onQueryTerminated(id: String, runId: String, error: (any Error)?)
}

extension StreamingQueryListener {
    public func onQueryStarted(id: String, runId: String, name: String?) {}
    public func onQueryTerminated(id: String, runId: String, error: (any Error)?) {}
}
