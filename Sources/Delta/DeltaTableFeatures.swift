/// Protocol versions and table features (Delta PROTOCOL.md, "Protocol Evolution" and "Table
/// Features"): what the engine can read and write, and the one shape a `protocol` action has.
extension DeltaProtocol {
    /// The action as the protocol defines it: `readerFeatures` exists exactly when
    /// `minReaderVersion` is 3 and `writerFeatures` exactly when `minWriterVersion` is 7
    /// (an empty list there; absent otherwise). Other writers' checkpoints hold null lists
    /// that some readers decode as empty ones, and delta-rs refuses a table whose protocol
    /// carries feature lists with other versions ("Reader features must not be present when
    /// minimum reader version != 3"), so every protocol the engine reads or writes goes
    /// through this. Features are kept as they are, known or not.
    public var normalized: DeltaProtocol {
        DeltaProtocol(
            minReaderVersion: minReaderVersion, minWriterVersion: minWriterVersion,
            readerFeatures: minReaderVersion == 3 ? (readerFeatures ?? []) : nil,
            writerFeatures: minWriterVersion == 7 ? (writerFeatures ?? []) : nil)
    }
}

extension DeltaSnapshot {
    /// Writer features the engine implements: `appendOnly` (no data-changing removes while
    /// `delta.appendOnly=true`) and `invariants` (as long as no column declares one).
    public static let supportedWriterFeatures: Set<String> = ["appendOnly", "invariants"]

    /// Readers need reader version 1, or 3 with no reader features (nothing the engine implements).
    static func checkReadable(_ p: DeltaProtocol, table: String) throws {
        if p.minReaderVersion == 1 { return }
        if p.minReaderVersion == 3, (p.readerFeatures ?? []).isEmpty { return }
        throw DeltaError.unsupportedProtocol(
            table, "it requires reader version \(p.minReaderVersion) with features \(p.readerFeatures ?? []); the engine reads version 1")
    }

    /// Writers support version 2, or 7 with only the features in `supportedWriterFeatures`.
    /// Anything else is refused (by the sink when it opens, by every commit): writing without honouring a
    /// feature (change data feed, deletion vectors, column mapping, domain metadata, which a
    /// checkpoint of the engine would drop) would corrupt the table for every other engine.
    func checkWritable() throws {
        let p = tableProtocol
        switch p.minWriterVersion {
        case ...2:
            break
        case 7:
            let unsupported = (p.writerFeatures ?? []).filter { !Self.supportedWriterFeatures.contains($0) }
            if !unsupported.isEmpty {
                throw DeltaError.unsupportedProtocol(
                    tablePath,
                    "it requires the writer features \(unsupported.sorted()) (of \(p.writerFeatures ?? [])), which the engine does not implement (it implements \(Self.supportedWriterFeatures.sorted())); the engine reads the table but cannot write it")
            }
        default:
            throw DeltaError.unsupportedProtocol(
                tablePath, "it requires writer version \(p.minWriterVersion); the engine writes versions up to 2, and 7 with the features \(Self.supportedWriterFeatures.sorted())")
        }
        // Invariants are enforced from writer version 2 (7: when listed). The engine cannot
        // evaluate their SQL, so a table that declares one is refused rather than ignored.
        let invariantsApply = p.minWriterVersion < 7 || (p.writerFeatures ?? []).contains("invariants")
        if invariantsApply && metadata.schemaString.contains("\"delta.invariants\"") {
            throw DeltaError.unsupportedProtocol(
                tablePath, "a column declares a delta.invariants constraint, which the engine cannot check; it cannot write the table")
        }
    }
}
