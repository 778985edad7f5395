import Foundation
import Testing

@testable import AWS

@Suite struct S3LocationTests {
    @Test func parsesBucketAndKey() throws {
        #expect(try S3Location(parsing: "s3://my-bucket/tables/logs/") == S3Location(bucket: "my-bucket", key: "tables/logs/"))
        #expect(try S3Location(parsing: "s3a://my.bucket/a b") == S3Location(bucket: "my.bucket", key: "a b"))
        #expect(try S3Location(parsing: "s3://bucket") == S3Location(bucket: "bucket", key: ""))
        #expect(try S3Location(parsing: "s3://bucket/").key == "")
    }

    @Test func rejectsOtherSchemesAndBadBuckets() {
        for bad in ["/local/path", "https://bucket/key", "s3://", "s3:///key", "s3://ab/k", "s3://Upper/k", "s3://-bucket/k", "s3://bu_cket/k"] {
            #expect(throws: AWSConfigurationError.self, "\(bad)") { try S3Location(parsing: bad) }
        }
    }

    @Test func appendingAddsOneSlash() throws {
        let root = try S3Location(parsing: "s3://bucket/t")
        #expect(root.appending("_delta_log").description == "s3://bucket/t/_delta_log")
        #expect(S3Location(bucket: "bucket", key: "t/").appending("x").key == "t/x")
        #expect(S3Location(bucket: "bucket", key: "").appending("x").key == "x")
    }

    @Test func uriEncodingKeepsUnreservedAndSlashOnlyWhenAsked() {
        #expect(URIEncoding.encode("a b/c+d~é") == "a%20b%2Fc%2Bd~%C3%A9")
        #expect(URIEncoding.encode("a b/c", keepSlash: true) == "a%20b/c")
        #expect(URIEncoding.canonicalQuery([("b", "2"), ("a", "x y"), ("a", "")]) == "a=&a=x%20y&b=2")
    }

    @Test func httpDates() {
        #expect(HTTPDates.iso8601("2026-11-25T10:00:01.500Z") == Date(timeIntervalSince1970: 1_795_600_801.5))
        #expect(HTTPDates.iso8601("2026-11-25T10:00:01Z") == Date(timeIntervalSince1970: 1_795_600_801))
        #expect(HTTPDates.imfFixdate("Wed, 25 Nov 2026 10:00:01 GMT") == Date(timeIntervalSince1970: 1_795_600_801))
        #expect(HTTPDates.iso8601("2026-13-25T10:00:01Z") == nil)
        #expect(HTTPDates.imfFixdate("yesterday") == nil)
    }

    @Test func contentRangeHeader() {
        #expect(S3Client.contentRange("bytes 100-199/1000")! == (100, 1000))
        #expect(S3Client.contentRange("bytes */1000")! == (0, 1000))
        #expect(S3Client.contentRange("items 1-2/3") == nil)
    }
}
