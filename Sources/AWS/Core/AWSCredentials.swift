import Foundation

/// An access key pair, with the session token of temporary credentials.
public struct AWSCredentials: Sendable, Equatable {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// The first of, as the AWS SDKs look them up: the environment variables
    /// `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`; the profile
    /// (`profile`, else `AWS_PROFILE`, else `default`) of the shared credentials file
    /// (`AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`); the same profile in the config
    /// file (`AWS_CONFIG_FILE`, else `~/.aws/config`). Throws naming every place it looked.
    public static func resolve(
        environment: [String: String] = ProcessInfo.processInfo.environment, profile: String? = nil
    ) throws -> AWSCredentials {
        if let id = nonEmpty(environment["AWS_ACCESS_KEY_ID"]), let secret = nonEmpty(environment["AWS_SECRET_ACCESS_KEY"]) {
            return AWSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: nonEmpty(environment["AWS_SESSION_TOKEN"]))
        }
        let files = AWSProfileFiles(environment: environment)
        let name = profile ?? files.profileName
        for (path, section) in [(files.credentialsPath, name), (files.configPath, AWSProfileFiles.configSection(name))] {
            guard let values = try files.section(section, in: path) else { continue }
            if let id = nonEmpty(values["aws_access_key_id"]), let secret = nonEmpty(values["aws_secret_access_key"]) {
                return AWSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: nonEmpty(values["aws_session_token"]))
            }
        }
        throw AWSConfigurationError(
            "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add aws_access_key_id and "
                + "aws_secret_access_key to profile '\(name)' in \(files.credentialsPath) or \(files.configPath)")
    }
}

/// Where configuration could not be found or was malformed; the message says what to set.
public struct AWSConfigurationError: Error, CustomStringConvertible, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}

func nonEmpty(_ s: String?) -> String? {
    guard let s, !s.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
    return s.trimmingCharacters(in: .whitespaces)
}
