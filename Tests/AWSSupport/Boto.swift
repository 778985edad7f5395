import Foundation
import Testing

/// boto3 as the producer and checker of the moto tests: a Python snippet gets the endpoint as
/// its first argument, `client(name)` for a client on it, and prints its result as JSON.
public enum Boto {
    public static let prelude = """
        import base64, json, sys, time
        import boto3
        endpoint = sys.argv[1]
        args = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
        def client(name):
            return boto3.client(name, endpoint_url=endpoint, region_name="us-east-1",
                                aws_access_key_id="testing", aws_secret_access_key="testing")
        def done(value):
            print(json.dumps(value, default=str))

        """

    /// A Kinesis client `k` and `wait_active(name)`, which waits until a stream (created or
    /// resharded) is ACTIVE; snippets that use Kinesis start with it.
    public static let kinesis = """
        k = client("kinesis")
        def wait_active(name):
            for _ in range(200):
                if k.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE":
                    return
                time.sleep(0.05)
            raise SystemExit("stream not active")

        """

    /// Runs `body` after the prelude against `endpoint`; returns what it passed to `done`.
    public static func run(_ body: String, endpoint: String, args: [String: Any] = [:]) throws -> Any {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: args), as: UTF8.self)
        return try PythonTools.json(prelude + body, [endpoint, json])
    }
}
