import Columnar

/// A streaming source as a query describes it, before the query's checkpoint is known: what it
/// produces, which data it is, and how to open it. The file and Delta sources are two
/// implementations; a source of your own (a message bus, say) implements this protocol and
/// `StreamSource`, in its own module, and is used with `session.readStream.source(provider)`.
///
/// The planner asks the provider for its schema (never opening anything), narrows it to the
/// columns the query reads and tells it which rows the query drops (both optional to honour);
/// `start()` records its identity in the checkpoint and asks it for the live `StreamSource`.
public protocol SourceProvider: Sendable {
    /// The columns the source produces, known without any I/O (declared, or read once when the
    /// provider was made): `DataStream.schema()` and query analysis use nothing else. The live
    /// source's `schema` must be equal, or `start()` refuses the query.
    var schema: Schema { get }
    /// Which data the source reads, recorded in the checkpoint and compared on every start: a
    /// checkpoint's offsets only mean something for the same data.
    func identity() throws -> SourceIdentity
    /// How much one batch may take from this source (default: everything available).
    var readLimit: ReadLimit { get }
    /// The same source producing only `columns` and whatever it cannot leave out, in schema
    /// order (default: unchanged). The query reads nothing else from it.
    func pruned(to columns: Set<String>) -> any SourceProvider
    /// The same source told that the query drops every row for which `predicate` is not true
    /// (default: unchanged). The filter still runs above the source, so a source may skip any,
    /// some or none of those rows.
    func pushingFilter(_ predicate: Expr) -> any SourceProvider
    /// The live source of a starting query. `metadataPath` is a directory in the checkpoint
    /// reserved for this source (`sources/<i>`), for a log of its own; it may not exist yet.
    func makeSource(metadataPath: String) throws -> any StreamSource
}

extension SourceProvider {
    public var readLimit: ReadLimit { .all }
    public func pruned(to columns: Set<String>) -> any SourceProvider { self }
    public func pushingFilter(_ predicate: Expr) -> any SourceProvider { self }
}
