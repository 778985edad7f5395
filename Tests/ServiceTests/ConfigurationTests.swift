import Foundation
import Logging
import Testing

@testable import Service
@testable import Streaming

@Suite struct ConfigurationTests {
    @Test func flagsOverrideEnvironmentWhichOverridesTheFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("app.json").path
        try Data(#"{"checkpoints":"/from/file","trigger":"10s","port":9000,"logLevel":"debug","paths":{"input":"/file/in","tables":"/file/t"}}"#.utf8)
            .write(to: URL(fileURLWithPath: file))
        var flags = AppConfiguration.Overrides()
        flags.port = 0
        flags.paths = ["tables=/flag/t"]
        let c = try AppConfiguration.load(
            file: file, environment: ["SLUICE_TRIGGER": "availableNow", "SLUICE_PORT": "9100", "SLUICE_PATH_INPUT": "/env/in"], flags: flags)
        #expect(c.checkpoints == "/from/file")
        #expect(c.trigger == .availableNow)
        #expect(c.port == 0)
        #expect(c.logLevel == .debug)
        #expect(c.paths == ["input": "/env/in", "tables": "/flag/t"])
    }

    @Test func badValuesNameWhereTheyCameFrom() throws {
        #expect(throws: ConfigurationError.self) { try AppConfiguration.load(file: nil, environment: ["SLUICE_PORT": "http"], flags: .init()) }
        do {
            _ = try AppConfiguration.load(file: nil, environment: ["SLUICE_TRIGGER": "soon"], flags: .init())
            Issue.record("accepted a bad trigger")
        } catch let e as ConfigurationError {
            #expect(e.description.contains("SLUICE_TRIGGER"))
        }
        do {
            _ = try AppConfiguration.load(file: "/nonexistent/app.json", environment: [:], flags: .init())
            Issue.record("accepted a missing file")
        } catch let e as ConfigurationError {
            #expect(e.description.contains("/nonexistent/app.json"))
        }
    }

    @Test func triggersParse() throws {
        #expect(try AppConfiguration.trigger("500ms", "") == .processingTime(.milliseconds(500)))
        #expect(try AppConfiguration.trigger("5m", "") == .processingTime(.seconds(300)))
        #expect(try AppConfiguration.trigger("default", "") == .default)
    }
}
