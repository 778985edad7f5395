import Foundation

/// The shared credentials and config files (INI: `[section]`, `key = value`, `#`/`;` comments).
/// The credentials file names a profile `[name]`, the config file `[profile name]` except
/// `[default]`.
struct AWSProfileFiles {
    let credentialsPath: String
    let configPath: String
    let profileName: String

    init(environment: [String: String]) {
        let home = environment["HOME"] ?? NSHomeDirectory()
        credentialsPath = nonEmpty(environment["AWS_SHARED_CREDENTIALS_FILE"]) ?? home + "/.aws/credentials"
        configPath = nonEmpty(environment["AWS_CONFIG_FILE"]) ?? home + "/.aws/config"
        profileName = nonEmpty(environment["AWS_PROFILE"]) ?? "default"
    }

    static func configSection(_ profile: String) -> String {
        profile == "default" ? "default" : "profile \(profile)"
    }

    /// The keys of `section` in the file at `path`; nil when the file or the section is missing.
    func section(_ section: String, in path: String) throws -> [String: String]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AWSConfigurationError("cannot read \(path): check its permissions")
        }
        return try Self.parse(String(decoding: data, as: UTF8.self), path: path)[section]
    }

    static func parse(_ text: String, path: String) throws -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String?
        var lastKey: String?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else {
                    throw AWSConfigurationError("\(path):\(index + 1): a section header must end with ']'")
                }
                let name = line.dropFirst().dropLast().split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
                current = name
                lastKey = nil
                sections[name, default: [:]] = sections[name] ?? [:]
                continue
            }
            // An indented line continues a nested setting (such as `s3 =` with sub-keys); the
            // keys read here are never nested, so it is skipped.
            if raw.first == " " || raw.first == "\t", lastKey != nil { continue }
            guard let section = current else {
                throw AWSConfigurationError("\(path):\(index + 1): a setting before the first [section]")
            }
            guard let eq = line.firstIndex(of: "=") else {
                throw AWSConfigurationError("\(path):\(index + 1): expected 'key = value'")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if let hash = value.range(of: " #") ?? value.range(of: "\t#") { value = value[..<hash.lowerBound].trimmingCharacters(in: .whitespaces) }
            sections[section]![key] = value
            lastKey = key
        }
        return sections
    }
}
