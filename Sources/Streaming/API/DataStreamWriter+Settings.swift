/// What a writer was configured with, for code that completes a writer it did not build
/// (the Service module gives each declared query its checkpoint, name and trigger).
extension DataStreamWriter {
    /// The `checkpointLocation` set, if any.
    public var configuredCheckpointLocation: String? { checkpoint }
    /// The `queryName` set, if any.
    public var configuredQueryName: String? { name }
    /// The trigger set (`Trigger.default` unless changed).
    public var configuredTrigger: Trigger { triggerValue }
}
