import Foundation
import Testing

@testable import AWS

/// AWS's published Signature Version 4 test suite ("aws-sig-v4-test-suite": requests signed
/// with AKIDEXAMPLE for `service` in us-east-1 at 2015-08-30T12:36:00Z). Expected canonical
/// requests, strings to sign and signatures are the suite's `.creq`, `.sts` and `.authz` files.
@Suite struct SigV4TestSuiteTests {
    static let credentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let date = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z
    static let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "service")
    static let baseHeaders = [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")]

    func sign(
        _ method: String, _ path: String, query: [(String, String)] = [], headers: [(String, String)] = baseHeaders,
        body: String = "", signer: SigV4Signer = signer
    ) -> SigV4Signature {
        signer.signature(
            for: SignableRequest(method: method, path: path, query: query, headers: headers), date: Self.date,
            payloadHash: Hashing.sha256Hex(body.utf8))
    }

    func authorization(_ signedHeaders: String, _ signature: String) -> String {
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }

    @Test func amzDateIsUTCBasicFormat() {
        let d = AmzDate(Self.date)
        #expect(d.full == "20150830T123600Z")
        #expect(d.day == "20150830")
    }

    @Test func getVanilla() {
        let s = sign("GET", "/")
        #expect(s.canonicalRequest == """
            GET
            /

            host:example.amazonaws.com
            x-amz-date:20150830T123600Z

            host;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
        #expect(s.stringToSign == """
            AWS4-HMAC-SHA256
            20150830T123600Z
            20150830/us-east-1/service/aws4_request
            bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63
            """)
        #expect(s.authorization == authorization("host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"))
    }

    @Test func getVanillaQueryOrderKeySortsByNameThenValue() {
        let s = sign("GET", "/", query: [("Param1", "value2"), ("Param1", "Value1")])
        #expect(s.canonicalRequest == """
            GET
            /
            Param1=Value1&Param1=value2
            host:example.amazonaws.com
            x-amz-date:20150830T123600Z

            host;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
        #expect(s.stringToSign.hasSuffix("\n704b4cef673542d84cdff252633f065e8daeba5f168b77116f8b1bcaf3d38f89"))
        #expect(s.signature == "eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1")
    }

    @Test func getVanillaQueryUnreservedIsNotEncoded() {
        let unreserved = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        let s = sign("GET", "/", query: [(unreserved, unreserved)])
        #expect(s.canonicalRequest.split(separator: "\n")[2] == "\(unreserved)=\(unreserved)")
        #expect(s.signature == "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197")
    }

    @Test func getUTF8PathIsPercentEncoded() {
        let s = sign("GET", "/ሴ")
        #expect(s.canonicalRequest.split(separator: "\n")[1] == "/%E1%88%B4")
        #expect(s.signature == "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85")
    }

    @Test func getHeaderValueTrimCollapsesSpaces() {
        let headers = [("Host", "example.amazonaws.com"), ("My-Header1", " value1"), ("My-Header2", " \"a   b   c\""),
                       ("X-Amz-Date", "20150830T123600Z")]
        let s = sign("GET", "/", headers: headers)
        #expect(s.canonicalRequest.contains("my-header1:value1\nmy-header2:\"a b c\"\n"))
        #expect(s.authorization == authorization(
            "host;my-header1;my-header2;x-amz-date", "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"))
    }

    @Test func postVanilla() {
        let s = sign("POST", "/")
        #expect(s.signature == "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")
    }

    @Test func postXWWWFormURLEncodedSignsContentTypeAndBody() {
        let headers = [("Content-Type", "application/x-www-form-urlencoded"), ("Host", "example.amazonaws.com"),
                       ("X-Amz-Date", "20150830T123600Z")]
        let s = sign("POST", "/", headers: headers, body: "Param1=value1")
        #expect(s.canonicalRequest == """
            POST
            /

            content-type:application/x-www-form-urlencoded
            host:example.amazonaws.com
            x-amz-date:20150830T123600Z

            content-type;host;x-amz-date
            9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e
            """)
        #expect(s.stringToSign == """
            AWS4-HMAC-SHA256
            20150830T123600Z
            20150830/us-east-1/service/aws4_request
            42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281
            """)
        #expect(s.authorization == authorization(
            "content-type;host;x-amz-date", "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"))
    }

    @Test func postXWWWFormURLEncodedParameters() {
        let headers = [("Content-Type", "application/x-www-form-urlencoded; charset=utf8"), ("Host", "example.amazonaws.com"),
                       ("X-Amz-Date", "20150830T123600Z")]
        let s = sign("POST", "/", headers: headers, body: "Param1=value1")
        #expect(s.signature == "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe")
    }

    /// post-sts-header-before: the session token is a signed header.
    @Test func sessionTokenIsSignedWhenSigningAddsIt() {
        let token = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="
        var credentials = Self.credentials
        credentials.sessionToken = token
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "service")
        var request = SignableRequest(method: "POST", path: "/", headers: [("Host", "example.amazonaws.com")])
        let s = signer.sign(&request, date: Self.date, payloadHash: Hashing.emptyPayloadHash)
        #expect(s.authorization == authorization(
            "host;x-amz-date;x-amz-security-token", "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"))
        #expect(request.header("x-amz-security-token") == token)
        #expect(request.header("x-amz-date") == "20150830T123600Z")
        #expect(request.header("authorization") == s.authorization)
    }

    /// The GetObject example of the S3 API reference ("Signature Calculations for the
    /// Authorization Header"): S3 signs the path as sent and `x-amz-content-sha256`.
    @Test func s3GetObjectExample() {
        let signer = SigV4Signer(
            credentials: AWSCredentials(accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            region: "us-east-1", service: "s3")
        let headers = [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"),
                       ("x-amz-content-sha256", Hashing.emptyPayloadHash), ("x-amz-date", "20130524T000000Z")]
        let s = signer.signature(
            for: SignableRequest(method: "GET", path: "/test.txt", headers: headers),
            date: Date(timeIntervalSince1970: 1_369_353_600), payloadHash: Hashing.emptyPayloadHash)
        #expect(s.signedHeaders == "host;range;x-amz-content-sha256;x-amz-date")
        #expect(s.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func s3PathIsNotEncodedTwiceOtherServicesAreas() {
        let s3 = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "s3")
        #expect(sign("GET", "/b/a%20b", signer: s3).canonicalRequest.split(separator: "\n")[1] == "/b/a%20b")
        #expect(sign("GET", "/b/a%20b").canonicalRequest.split(separator: "\n")[1] == "/b/a%2520b")
    }
}
