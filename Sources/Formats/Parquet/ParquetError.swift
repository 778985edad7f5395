/// A Parquet read or write failure.
///
/// Malformed input always surfaces as `.corrupt` with a message saying what was wrong and,
/// once known, in which column and row group; the reader never traps on bad bytes.
public struct ParquetError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: String, Sendable {
        /// The bytes do not form a valid Parquet file.
        case corrupt
        /// Valid Parquet using a feature this implementation does not handle.
        case unsupported
        /// The caller asked for something impossible (unknown column, schema mismatch...).
        case invalidArgument = "invalid argument"
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "parquet \(kind.rawValue): \(message)" }

    static func corrupt(_ message: String) -> ParquetError { ParquetError(.corrupt, message) }
    static func unsupported(_ message: String) -> ParquetError { ParquetError(.unsupported, message) }
    static func invalidArgument(_ message: String) -> ParquetError { ParquetError(.invalidArgument, message) }

    /// The same error with `context` (e.g. the column being decoded) in front of the message.
    func adding(context: String) -> ParquetError { ParquetError(kind, "\(context): \(message)") }
}

extension ParquetError {
    /// Runs `body`, converting any failure into a `ParquetError` that names `context`.
    static func withContext<R>(_ context: @autoclosure () -> String, _ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch let e as ParquetError {
            throw e.adding(context: context())
        } catch let e as ZstdError {
            throw ParquetError.corrupt("\(context()): \(e)")
        } catch {
            throw ParquetError.corrupt("\(context()): \(error)")
        }
    }
}
