import Foundation
import Testing

import AWSTestSupport
@testable import AWS

/// The S3 client against moto's S3 on loopback; boto3 checks what the client wrote.
@Suite(.motoServer, .enabled(if: Moto.available, "moto is not installed (pip install -r .ci/requirements.txt)"))
struct S3MotoTests {
    func client() throws -> S3Client { S3Client(configuration: try Moto.configuration()) }

    func freshBucket(_ client: S3Client) throws -> String {
        let bucket = "b-" + UUID().uuidString.lowercased().prefix(18)
        try client.createBucket(bucket)
        return bucket
    }

    @Test func putGetHeadAndRanges() throws {
        let s3 = try client()
        let bucket = try freshBucket(s3)
        let body = (0..<1000).map { UInt8($0 % 251) }
        let key = "dir/a b+c=ü.bin"
        let etag = try s3.putObject(bucket: bucket, key: key, body: body)
        #expect(etag == Hashing.hex(Hashing.md5(body)))

        let whole = try s3.getObject(bucket: bucket, key: key)
        #expect(whole.body == body)
        #expect(whole.range == 0..<1000)
        #expect(whole.info.size == 1000)
        #expect(whole.info.eTag == etag)

        let middle = try s3.getObject(bucket: bucket, key: key, range: 100..<150)
        #expect(middle.body == Array(body[100..<150]))
        #expect(middle.range == 100..<150)
        #expect(middle.info.size == 1000)

        let tail = try s3.getObject(bucket: bucket, key: key, range: 990..<2000)
        #expect(tail.body == Array(body[990...]))
        #expect(tail.range == 990..<1000)

        let past = try s3.getObject(bucket: bucket, key: key, range: 1000..<1010)
        #expect(past.body.isEmpty)

        let head = try #require(try s3.headObject(bucket: bucket, key: key))
        #expect(head.size == 1000)
        #expect(head.eTag == etag)
        #expect(head.lastModified.map { abs($0.timeIntervalSinceNow) < 600 } == true)
        #expect(try s3.headObject(bucket: bucket, key: "missing") == nil)

        let missing = try #require(throws: AWSError.self) { try s3.getObject(bucket: bucket, key: "missing") }
        #expect(missing.kind == .notFound)
        #expect(missing.resource == "s3://\(bucket)/missing")

        // boto3 reads the same bytes under the same key.
        let seen = try Boto.run("""
            o = client("s3").get_object(Bucket=args["bucket"], Key=args["key"])
            done(base64.b64encode(o["Body"].read()).decode())
            """, endpoint: try Moto.url, args: ["bucket": bucket, "key": key]) as? String
        #expect(seen.flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) } == body)
    }

    @Test func listWithPrefixDelimiterStartAfterAndPages() throws {
        let s3 = try client()
        let bucket = try freshBucket(s3)
        let logKeys = (0..<25).map { String(format: "t/_delta_log/%020d.json", $0) }
        for key in logKeys + ["t/part-0.parquet", "t/date=2026-11-25/part-1.parquet", "other/x"] {
            try s3.putObject(bucket: bucket, key: key, body: Array(key.utf8))
        }
        let all = try s3.listObjects(bucket: bucket, prefix: "t/_delta_log/")
        #expect(all.objects.map(\.key) == logKeys)
        #expect(all.objects[3].size == Int64(logKeys[3].utf8.count))

        let after = try s3.listObjects(bucket: bucket, prefix: "t/_delta_log/", startAfter: logKeys[19])
        #expect(after.objects.map(\.key) == Array(logKeys[20...]))

        var pages = 0
        var keys: [String] = []
        var token: String?
        repeat {
            let page = try s3.listObjectsPage(bucket: bucket, prefix: "t/_delta_log/", startAfter: logKeys[4], continuationToken: token, maxKeys: 7)
            #expect(page.objects.count <= 7)
            keys += page.objects.map(\.key)
            token = page.continuationToken
            pages += 1
        } while token != nil
        #expect(keys == Array(logKeys[5...]))
        #expect(pages == 3)

        let top = try s3.listObjects(bucket: bucket, prefix: "t/", delimiter: "/")
        #expect(top.objects.map(\.key) == ["t/part-0.parquet"])
        #expect(top.commonPrefixes == ["t/_delta_log/", "t/date=2026-11-25/"])
    }

    @Test func deleteOneAndMany() throws {
        let s3 = try client()
        let bucket = try freshBucket(s3)
        let keys = (0..<1005).map { "k/\($0)" }
        // 1005 keys: two DeleteObjects requests.
        for key in keys { try s3.putObject(bucket: bucket, key: key, body: [1]) }
        try s3.deleteObject(bucket: bucket, key: "k/0")
        try s3.deleteObject(bucket: bucket, key: "k/0")  // a missing key deletes fine
        #expect(try s3.headObject(bucket: bucket, key: "k/0") == nil)
        #expect(try s3.deleteObjects(bucket: bucket, keys: Array(keys[1...])) == [])
        #expect(try s3.listObjects(bucket: bucket, prefix: "k/").objects.isEmpty)
    }

    @Test func multipartUploadJoinsPartsAndAbortDropsThem() throws {
        let s3 = try client()
        let bucket = try freshBucket(s3)
        let partSize = 5 << 20
        let body = (0..<(partSize + 12345)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let etag = try s3.putObjectMultipart(bucket: bucket, key: "big.parquet", body: body, partSize: partSize)
        #expect(etag.hasSuffix("-2"))  // S3's multipart ETag: hash of the part hashes, dash, part count
        let back = try s3.getObject(bucket: bucket, key: "big.parquet")
        #expect(back.body.count == body.count)
        #expect(back.body == body)
        let across = try s3.getObject(bucket: bucket, key: "big.parquet", range: Int64(partSize - 10)..<Int64(partSize + 10))
        #expect(across.body == Array(body[(partSize - 10)..<(partSize + 10)]))

        let id = try s3.createMultipartUpload(bucket: bucket, key: "aborted.parquet")
        _ = try s3.uploadPart(bucket: bucket, key: "aborted.parquet", uploadId: id, partNumber: 1, body: [1, 2, 3])
        try s3.abortMultipartUpload(bucket: bucket, key: "aborted.parquet", uploadId: id)
        let uploads = try Boto.run("""
            done(len(client("s3").list_multipart_uploads(Bucket=args["bucket"]).get("Uploads", [])))
            """, endpoint: try Moto.url, args: ["bucket": bucket]) as? Int
        #expect(uploads == 0)
        #expect(try s3.headObject(bucket: bucket, key: "aborted.parquet") == nil)
        // (Completing the aborted upload should answer 404 NoSuchUpload, as S3 does; moto 5.2
        // answers 500, so that mapping is tested with a canned answer.)
    }

    @Test func putIfAbsentRefusesAnExistingKey() throws {
        let s3 = try client()
        let bucket = try freshBucket(s3)
        try s3.putObject(bucket: bucket, key: "_delta_log/0.json", body: Array("first".utf8), condition: .ifAbsent)
        let error = try #require(throws: AWSError.self) {
            try s3.putObject(bucket: bucket, key: "_delta_log/0.json", body: Array("second".utf8), condition: .ifAbsent)
        }
        #expect(error.kind == .alreadyExists)
        #expect(error.statusCode == 412)
        #expect(try s3.getObject(bucket: bucket, key: "_delta_log/0.json").body == Array("first".utf8))
        // An unconditional put still overwrites.
        try s3.putObject(bucket: bucket, key: "_delta_log/0.json", body: Array("third".utf8))
        #expect(try s3.getObject(bucket: bucket, key: "_delta_log/0.json").body == Array("third".utf8))
    }

    /// Two writers race for each of 20 keys with put-if-absent: exactly one wins each key, the
    /// other gets `alreadyExists`, and the object holds the winner's bytes. (moto runs its
    /// requests one at a time here, see `Moto.serverScript`: its own conditional put is not
    /// atomic under concurrency, S3's is.)
    @Test func concurrentPutIfAbsentHasExactlyOneWinner() async throws {
        let s3 = try client()
        let bucket = try freshBucket(s3)
        for round in 0..<20 {
            let key = "_delta_log/\(round).json"
            let results = await withTaskGroup(of: (String, Bool).self) { group in
                for writer in ["writer-a", "writer-b"] {
                    group.addTask {
                        do {
                            try await s3.putObject(bucket: bucket, key: key, body: Array(writer.utf8), condition: .ifAbsent)
                            return (writer, true)
                        } catch let e as AWSError where e.kind == .alreadyExists {
                            return (writer, false)
                        } catch {
                            Issue.record("unexpected \(error)")
                            return (writer, false)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let winners = results.filter(\.1).map(\.0)
            #expect(winners.count == 1, "round \(round): \(results)")
            if let winner = winners.first {
                #expect(try await s3.getObject(bucket: bucket, key: key).body == Array(winner.utf8))
            }
        }
    }

    @Test func missingBucketIsNotFound() throws {
        let error = try #require(throws: AWSError.self) { try client().listObjects(bucket: "no-such-bucket-here") }
        #expect(error.kind == .notFound)
        #expect(error.code == "NoSuchBucket")
    }
}
