import Foundation

/// What a client needs to reach a service: region, credentials, an optional endpoint override
/// (tests, S3-compatible stores; S3 then uses path-style addressing), retries and the timeout of
/// one attempt.
public struct AWSConfiguration: Sendable {
    public var region: String
    public var credentials: AWSCredentials
    public var endpoint: AWSEndpoint?
    public var retry: RetryPolicy
    /// The longest one attempt may wait for the server; a timed-out attempt is retried.
    public var requestTimeout: Duration

    public init(
        region: String, credentials: AWSCredentials, endpoint: AWSEndpoint? = nil, retry: RetryPolicy = .standard,
        requestTimeout: Duration = .seconds(30)
    ) {
        self.region = region
        self.credentials = credentials
        self.endpoint = endpoint
        self.retry = retry
        self.requestTimeout = requestTimeout
    }

    /// Resolves everything from the environment and the shared files, as the AWS SDKs do:
    /// credentials (see `AWSCredentials.resolve`); the region from `AWS_REGION`, else
    /// `AWS_DEFAULT_REGION`, else `region` of the profile in the config file; the endpoint from
    /// `AWS_ENDPOINT_URL_<SERVICE>` (`S3`, `KINESIS`), else `AWS_ENDPOINT_URL`.
    public static func resolve(
        service: String, environment: [String: String] = ProcessInfo.processInfo.environment, profile: String? = nil
    ) throws -> AWSConfiguration {
        let credentials = try AWSCredentials.resolve(environment: environment, profile: profile)
        let files = AWSProfileFiles(environment: environment)
        let name = profile ?? files.profileName
        var region = nonEmpty(environment["AWS_REGION"]) ?? nonEmpty(environment["AWS_DEFAULT_REGION"])
        if region == nil {
            region = nonEmpty(try files.section(AWSProfileFiles.configSection(name), in: files.configPath)?["region"])
        }
        guard let region else {
            throw AWSConfigurationError(
                "no AWS region: set AWS_REGION, or region in profile '\(name)' of \(files.configPath)")
        }
        let endpointText = nonEmpty(environment["AWS_ENDPOINT_URL_\(service.uppercased())"]) ?? nonEmpty(environment["AWS_ENDPOINT_URL"])
        return AWSConfiguration(
            region: region, credentials: credentials, endpoint: try endpointText.map { try AWSEndpoint(parsing: $0) })
    }
}
