import Foundation
import Testing

@testable import AWS

@Suite struct ConfigurationTests {
    /// A directory with `credentials` and `config` files, removed on deinit.
    final class AWSDir {
        let path: String
        init(credentials: String? = nil, config: String? = nil) throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("aws-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            if let credentials { try credentials.write(toFile: path + "/credentials", atomically: true, encoding: .utf8) }
            if let config { try config.write(toFile: path + "/config", atomically: true, encoding: .utf8) }
        }
        var environment: [String: String] {
            ["AWS_SHARED_CREDENTIALS_FILE": path + "/credentials", "AWS_CONFIG_FILE": path + "/config", "HOME": path]
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    static let credentialsFile = """
        # comment
        [default]
        aws_access_key_id = AKIDDEFAULT
        aws_secret_access_key = secretdefault

        [ci]
        aws_access_key_id=AKIDCI
        aws_secret_access_key=secret/ci+key
        aws_session_token = tokenci
        """
    static let configFile = """
        [default]
        region = eu-central-1
        [profile ci]
        region = us-west-2
        s3 =
          addressing_style = path
        [profile onlyconfig]
        aws_access_key_id = AKIDCONFIG
        aws_secret_access_key = secretconfig
        """

    @Test func environmentVariablesComeFirst() throws {
        let dir = try AWSDir(credentials: Self.credentialsFile, config: Self.configFile)
        var env = dir.environment
        env["AWS_ACCESS_KEY_ID"] = "AKIDENV"
        env["AWS_SECRET_ACCESS_KEY"] = "secretenv"
        env["AWS_SESSION_TOKEN"] = "tokenenv"
        #expect(try AWSCredentials.resolve(environment: env) == AWSCredentials(accessKeyId: "AKIDENV", secretAccessKey: "secretenv", sessionToken: "tokenenv"))
    }

    @Test func sharedCredentialsFileDefaultAndNamedProfile() throws {
        let dir = try AWSDir(credentials: Self.credentialsFile, config: Self.configFile)
        #expect(try AWSCredentials.resolve(environment: dir.environment) == AWSCredentials(accessKeyId: "AKIDDEFAULT", secretAccessKey: "secretdefault"))
        var env = dir.environment
        env["AWS_PROFILE"] = "ci"
        #expect(try AWSCredentials.resolve(environment: env) == AWSCredentials(accessKeyId: "AKIDCI", secretAccessKey: "secret/ci+key", sessionToken: "tokenci"))
        #expect(try AWSCredentials.resolve(environment: dir.environment, profile: "ci").accessKeyId == "AKIDCI")
        #expect(try AWSCredentials.resolve(environment: dir.environment, profile: "onlyconfig").accessKeyId == "AKIDCONFIG")
    }

    @Test func homeDirectoryDefaultPaths() throws {
        let dir = try AWSDir()
        try FileManager.default.createDirectory(atPath: dir.path + "/.aws", withIntermediateDirectories: true)
        try Self.credentialsFile.write(toFile: dir.path + "/.aws/credentials", atomically: true, encoding: .utf8)
        try Self.configFile.write(toFile: dir.path + "/.aws/config", atomically: true, encoding: .utf8)
        let config = try AWSConfiguration.resolve(service: "s3", environment: ["HOME": dir.path, "AWS_PROFILE": "ci"])
        #expect(config.credentials.accessKeyId == "AKIDCI")
        #expect(config.region == "us-west-2")
    }

    @Test func missingCredentialsNameWhereToPutThem() throws {
        let dir = try AWSDir()
        let error = try #require(throws: AWSConfigurationError.self) { try AWSCredentials.resolve(environment: dir.environment) }
        #expect(error.description.contains("AWS_ACCESS_KEY_ID"))
        #expect(error.description.contains(dir.path + "/credentials"))
    }

    @Test func regionFromEnvironmentThenConfigFile() throws {
        let dir = try AWSDir(credentials: Self.credentialsFile, config: Self.configFile)
        var env = dir.environment
        #expect(try AWSConfiguration.resolve(service: "s3", environment: env).region == "eu-central-1")
        env["AWS_DEFAULT_REGION"] = "ap-south-1"
        #expect(try AWSConfiguration.resolve(service: "s3", environment: env).region == "ap-south-1")
        env["AWS_REGION"] = "sa-east-1"
        #expect(try AWSConfiguration.resolve(service: "s3", environment: env).region == "sa-east-1")
        let noRegion = try AWSDir(credentials: Self.credentialsFile)
        #expect(throws: AWSConfigurationError.self) { try AWSConfiguration.resolve(service: "s3", environment: noRegion.environment) }
    }

    @Test func endpointOverridePerServiceThenGlobal() throws {
        let dir = try AWSDir(credentials: Self.credentialsFile, config: Self.configFile)
        var env = dir.environment
        env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:4566"
        env["AWS_ENDPOINT_URL_KINESIS"] = "http://localhost:4567/"
        #expect(try AWSConfiguration.resolve(service: "s3", environment: env).endpoint == AWSEndpoint(scheme: "http", host: "127.0.0.1", port: 4566))
        #expect(try AWSConfiguration.resolve(service: "kinesis", environment: env).endpoint == AWSEndpoint(scheme: "http", host: "localhost", port: 4567))
        env["AWS_ENDPOINT_URL"] = "ftp://x"
        #expect(throws: AWSConfigurationError.self) { try AWSConfiguration.resolve(service: "s3", environment: env) }
    }

    @Test func malformedProfileFileNamesFileAndLine() throws {
        let dir = try AWSDir(credentials: "[default]\naws_access_key_id\n")
        let error = try #require(throws: AWSConfigurationError.self) { try AWSCredentials.resolve(environment: dir.environment) }
        #expect(error.description.contains("credentials:2"))
    }

    @Test func endpointParsing() throws {
        #expect(try AWSEndpoint(parsing: "https://s3.example.com").hostHeader == "s3.example.com")
        #expect(try AWSEndpoint(parsing: "http://127.0.0.1:9000").hostHeader == "127.0.0.1:9000")
        #expect(try AWSEndpoint(parsing: "http://h:80").hostHeader == "h")
        #expect(try AWSEndpoint(parsing: "http://[::1]:9000").host == "[::1]")
        for bad in ["127.0.0.1:9000", "http://", "http://h:0", "http://h/path", "http://h:x"] {
            #expect(throws: AWSConfigurationError.self) { try AWSEndpoint(parsing: bad) }
        }
    }
}
