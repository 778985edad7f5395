import Foundation
import Testing

import AWSTestSupport
@testable import AWS

/// The signer against botocore's: the same requests (S3 and JSON-protocol, with and without a
/// session token, odd keys and query values) signed by both at one instant must carry the same
/// Authorization header. botocore encodes the query and path itself, so this also checks
/// `URIEncoding` and the S3/non-S3 path rules.
@Suite(.enabled(if: Moto.available, "boto3 is not installed (pip install -r .ci/requirements.txt)"))
struct SigV4BotocoreTests {
    struct Case {
        var service: String
        var method: String
        var host: String
        var path: String
        var query: [(String, String)]
        var headers: [(String, String)]
        var body: String
        var token: String?
    }

    static let cases: [Case] = [
        Case(service: "s3", method: "GET", host: "bucket.s3.eu-west-1.amazonaws.com", path: "/" + URIEncoding.encode("dir/a b+c~ä=.parquet", keepSlash: true),
             query: [], headers: [("range", "bytes=100-199")], body: "", token: nil),
        Case(service: "s3", method: "GET", host: "s3.eu-west-1.amazonaws.com", path: "/bucket",
             query: [("list-type", "2"), ("prefix", "t/_delta_log/"), ("start-after", "t/_delta_log/0001.json"), ("delimiter", "/"),
                     ("continuation-token", "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")],
             headers: [], body: "", token: "FQoGZXIvYXdzEXAMPLE//token+="),
        Case(service: "s3", method: "PUT", host: "s3.eu-west-1.amazonaws.com", path: "/bucket/t/_delta_log/00000000000000000001.json",
             query: [], headers: [("content-type", "application/octet-stream"), ("if-none-match", "*")],
             body: "{\"commitInfo\":{}}\n", token: nil),
        Case(service: "s3", method: "POST", host: "s3.eu-west-1.amazonaws.com", path: "/bucket/big.parquet",
             query: [("uploads", "")], headers: [], body: "", token: nil),
        Case(service: "kinesis", method: "POST", host: "kinesis.eu-west-1.amazonaws.com", path: "/",
             query: [], headers: [("content-type", "application/x-amz-json-1.1"), ("x-amz-target", "Kinesis_20131202.GetRecords")],
             body: "{\"ShardIterator\":\"AAAA/+=\",\"Limit\":100}", token: "session-token"),
    ]

    static let script = """
        import base64, datetime, json, sys
        import botocore.auth as auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        auth.get_current_datetime = lambda: datetime.datetime(2026, 11, 25, 23, 59, 58)
        out = []
        for c in json.loads(sys.argv[1]):
            creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", c["token"])
            signer = (auth.S3SigV4Auth if c["service"] == "s3" else auth.SigV4Auth)(creds, c["service"], "eu-west-1")
            req = AWSRequest(method=c["method"], url="https://" + c["host"] + c["path"], headers=dict(c["headers"]),
                             data=c["body"].encode(), params=[tuple(p) for p in c["query"]])
            signer.add_auth(req)
            out.append(req.headers["Authorization"])
        print(json.dumps(out))
        """

    @Test func signaturesMatchBotocore() throws {
        let spec = Self.cases.map { c -> [String: Any] in
            ["service": c.service, "method": c.method, "host": c.host, "path": c.path, "body": c.body,
             "query": c.query.map { [$0.0, $0.1] }, "headers": c.headers.map { [$0.0, $0.1] }, "token": c.token as Any]
        }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self)
        let (status, output) = try PythonTools.run(Self.script, [json])
        try #require(status == 0, "botocore failed: \(output)")
        let expected = try #require(
            try JSONSerialization.jsonObject(with: Data(output.split(separator: "\n").last!.utf8)) as? [String])
        try #require(expected.count == Self.cases.count)
        let date = Date(timeIntervalSince1970: 1_795_651_198)  // 2026-11-25T23:59:58Z
        for (c, botocore) in zip(Self.cases, expected) {
            let signer = SigV4Signer(
                credentials: AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: c.token),
                region: "eu-west-1", service: c.service)
            let payloadHash = Hashing.sha256Hex(c.body.utf8)
            var headers = [("host", c.host)] + c.headers
            if c.service == "s3" { headers.append(("x-amz-content-sha256", payloadHash)) }
            var request = SignableRequest(method: c.method, path: c.path, query: c.query, headers: headers)
            let s = signer.sign(&request, date: date, payloadHash: payloadHash)
            #expect(s.authorization == botocore, "\(c.method) \(c.host)\(c.path)\n\(s.canonicalRequest)")
        }
    }
}
