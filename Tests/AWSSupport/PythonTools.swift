import Foundation
import Testing
import TestSupport

/// Python for the AWS tests (botocore, boto3, moto), which CI installs from
/// .ci/requirements.txt.
public enum PythonTools {
    public static func run(_ script: String, _ args: [String]) throws -> (status: Int32, output: String) {
        try PythonScript.run(script, args)
    }

    /// Runs `script` and parses its last output line as JSON; records the output on failure.
    public static func json(_ script: String, _ args: [String]) throws -> Any {
        let (status, output) = try run(script, args)
        try #require(status == 0, "python failed (\(status)):\n\(output)")
        let last = try #require(output.split(separator: "\n").last, "python printed nothing")
        return try JSONSerialization.jsonObject(with: Data(last.utf8), options: .fragmentsAllowed)
    }
}
