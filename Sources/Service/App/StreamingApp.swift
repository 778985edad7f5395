import ArgumentParser
import Foundation
import Streaming

/// An executable that runs a pipeline's queries as a service. Declare the queries; `main()`
/// gives the command line:
///
/// ```swift
/// @main
/// struct LogPipeline: StreamingApp {
///     static let queries = [
///         PipelineQuery("errors") { ctx in
///             try ctx.session.readStream.format(.jsonLines).schema(schema).load(ctx.path("input"))
///                 .filter(col("level") == "ERROR")
///                 .writeStream.format(.delta(try ctx.path("tables") + "/errors"))
///         }
///     ]
/// }
/// ```
///
/// `run [--query NAME …]`, `backfill NAME --from DATE --to DATE`, `status`,
/// `progress NAME [--follow]`, `reset NAME`; settings from flags, `SLUICE_…` variables and an
/// optional JSON file (`AppConfiguration`). Exit codes: `ServiceExit`.
public protocol StreamingApp {
    /// The queries, each a name and a builder.
    static var queries: [PipelineQuery] { get }
    /// The command's name in help text (default: the executable's name).
    static var commandName: String { get }
    /// One line for `--help`.
    static var abstract: String { get }
}

extension StreamingApp {
    public static var commandName: String {
        URL(fileURLWithPath: CommandLine.arguments.first ?? "app").lastPathComponent
    }

    public static var abstract: String { "A Sluice streaming pipeline." }

    /// Parses the command line and runs the command.
    public static func main() {
        AppCommand<Self>.main()
    }
}

struct AppCommand<App: StreamingApp>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: App.commandName, abstract: App.abstract,
            discussion: "Queries: \(App.queries.map(\.name).joined(separator: ", ")).",
            subcommands: [
                RunCommand<App>.self, BackfillCommand<App>.self, AppStatusCommand<App>.self, AppProgressCommand<App>.self,
                ResetCommand<App>.self,
            ])
    }
}

/// Looks up declared queries by name; an unknown name is a configuration error naming the known ones.
func declaredQuery<App: StreamingApp>(_ name: String, of _: App.Type) throws -> PipelineQuery {
    guard let q = App.queries.first(where: { $0.name == name }) else {
        throw ConfigurationError("no query named '\(name)'; this app declares: \(App.queries.map(\.name).joined(separator: ", "))")
    }
    return q
}

/// Runs a command body, turning a configuration error into its message and exit code 78.
func reportingConfigurationErrors(_ body: () throws -> Void) throws {
    do { try body() } catch let e as ConfigurationError {
        FileHandle.standardError.write(Data("error: \(e.description)\n".utf8))
        throw ExitCode(ServiceExit.configuration.rawValue)
    }
}
