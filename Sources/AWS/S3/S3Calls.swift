import Foundation

/// How each S3 operation is put on the wire and read back (REST/XML, "Amazon S3 API Reference").
extension S3Client {
    /// Endpoint and path of a bucket (`key` nil) or object.
    func address(_ bucket: String, _ key: String?) -> (AWSEndpoint, String) {
        let encodedKey = key.map { URIEncoding.encode($0, keepSlash: true) }
        if pathStyle || bucket.contains(".") {
            let endpoint = configuration.endpoint ?? AWSEndpoint(host: "s3.\(configuration.region).amazonaws.com")
            return (endpoint, "/\(bucket)" + (encodedKey.map { "/" + $0 } ?? ""))
        }
        let endpoint = AWSEndpoint(host: "\(bucket).s3.\(configuration.region).amazonaws.com")
        return (endpoint, "/" + (encodedKey ?? ""))
    }

    func call<T>(
        _ operation: String, _ bucket: String, _ key: String?, method: String, query: [(String, String)] = [],
        headers: [(String, String)] = [], body: [UInt8] = [], decode: @escaping @Sendable (HTTPResponse) throws -> T
    ) -> AWSCall<T> {
        let (endpoint, path) = address(bucket, key)
        var headers = headers
        let payloadHash: String
        if signPayload || body.isEmpty {
            payloadHash = body.isEmpty ? Hashing.emptyPayloadHash : Hashing.sha256Hex(body)
        } else {
            payloadHash = "UNSIGNED-PAYLOAD"
            if !headers.contains(where: { $0.0.lowercased() == "content-md5" }) {
                headers.append(("content-md5", Data(Hashing.md5(body)).base64EncodedString()))
            }
        }
        headers.append(("x-amz-content-sha256", payloadHash))
        let resource = S3Location(bucket: bucket, key: key ?? "").description
        return AWSCall(
            operation: "S3.\(operation)", resource: resource, method: method, endpoint: endpoint, path: path, query: query,
            headers: headers, body: body, payloadHash: payloadHash, decode: decode)
    }

    func getObjectCall(_ bucket: String, _ key: String, _ range: Range<Int64>?) throws -> AWSCall<S3Object> {
        var headers: [(String, String)] = []
        if let range {
            guard range.lowerBound >= 0 else {
                throw AWSError(kind: .invalidRequest, operation: "S3.GetObject", resource: "s3://\(bucket)/\(key)",
                               message: "byte range \(range) starts before 0", attempts: 0)
            }
            headers.append(("range", "bytes=\(range.lowerBound)-\(max(range.lowerBound, range.upperBound - 1))"))
        }
        var c = call("GetObject", bucket, key, method: "GET", headers: headers) { response in
            let info = try Self.objectInfo(key, response, operation: "S3.GetObject", bucket: bucket)
            if response.status == 416, let range {
                // Past the end: no bytes, as a file read past its end.
                return S3Object(info: info, body: [], range: range.lowerBound..<range.lowerBound)
            }
            var start: Int64 = 0
            if response.status == 206, let cr = response.headers["content-range"], let r = Self.contentRange(cr) {
                start = r.start
            }
            // A body shorter or longer than announced (cut off, or decoded by the transport) is
            // never handed out as the object's bytes.
            if let announced = response.headers["content-length"].flatMap({ Int($0) }), announced != response.body.count {
                throw AWSError(kind: .invalidResponse, operation: "S3.GetObject", resource: "s3://\(bucket)/\(key)",
                               statusCode: response.status,
                               message: "got \(response.body.count) bytes, Content-Length said \(announced)")
            }
            var body = response.body
            var end = start + Int64(body.count)
            if let range, range.isEmpty {
                body = []
                end = start
            }
            return S3Object(info: info, body: body, range: start..<end)
        }
        if range != nil { c.alsoAccepted = [416] }
        return c
    }

    func headObjectCall(_ bucket: String, _ key: String) -> AWSCall<S3ObjectInfo?> {
        var c = call("HeadObject", bucket, key, method: "HEAD") { response -> S3ObjectInfo? in
            if response.status == 404 { return nil }
            return try Self.objectInfo(key, response, operation: "S3.HeadObject", bucket: bucket)
        }
        c.alsoAccepted = [404]
        return c
    }

    func putObjectCall(
        _ bucket: String, _ key: String, _ body: [UInt8], _ condition: S3PutCondition, _ contentType: String
    ) -> AWSCall<String> {
        var headers = [("content-type", contentType)]
        if condition == .ifAbsent { headers.append(("if-none-match", "*")) }
        var c = call("PutObject", bucket, key, method: "PUT", headers: headers, body: body) { response in
            Self.unquote(response.headers["etag"] ?? "")
        }
        if condition == .ifAbsent {
            c.errorKindOverride = { status, _ in status == 412 ? .alreadyExists : nil }
        }
        return c
    }

    func deleteObjectCall(_ bucket: String, _ key: String) -> AWSCall<Void> {
        call("DeleteObject", bucket, key, method: "DELETE") { _ in () }
    }

    func deleteObjectsCall(_ bucket: String, _ keys: [String]) -> AWSCall<[S3DeleteFailure]> {
        var xml = "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>"
        for key in keys { xml += "<Object><Key>\(xmlEscape(key))</Key></Object>" }
        xml += "</Delete>"
        let body = Array(xml.utf8)
        // S3 requires an integrity header on DeleteObjects even when the payload is signed.
        let headers = [("content-type", "application/xml"), ("content-md5", Data(Hashing.md5(body)).base64EncodedString())]
        return call("DeleteObjects", bucket, nil, method: "POST", query: [("delete", "")], headers: headers, body: body) { response in
            let root = try Self.xml(response, "S3.DeleteObjects", bucket)
            return root.children("Error").map {
                S3DeleteFailure(key: $0.string("Key") ?? "", code: $0.string("Code") ?? "", message: $0.string("Message") ?? "")
            }
        }
    }

    func listCall(
        _ bucket: String, _ prefix: String, _ delimiter: String?, _ startAfter: String?, _ token: String?, _ maxKeys: Int?
    ) -> AWSCall<S3ListPage> {
        var query = [("list-type", "2")]
        if !prefix.isEmpty { query.append(("prefix", prefix)) }
        if let delimiter { query.append(("delimiter", delimiter)) }
        if let startAfter { query.append(("start-after", startAfter)) }
        if let token { query.append(("continuation-token", token)) }
        if let maxKeys { query.append(("max-keys", String(maxKeys))) }
        var c = call("ListObjectsV2", bucket, nil, method: "GET", query: query) { response in
            let root = try Self.xml(response, "S3.ListObjectsV2", bucket)
            var objects: [S3ObjectInfo] = []
            for c in root.children("Contents") {
                guard let key = c.string("Key"), let size = c.string("Size").flatMap({ Int64($0) }) else {
                    throw AWSError(kind: .invalidResponse, operation: "S3.ListObjectsV2", resource: "s3://\(bucket)",
                                   message: "a listed object lacks Key or Size")
                }
                objects.append(S3ObjectInfo(
                    key: key, size: size, eTag: c.string("ETag").map(Self.unquote),
                    lastModified: c.string("LastModified").flatMap(HTTPDates.iso8601)))
            }
            let prefixes = root.children("CommonPrefixes").compactMap { $0.string("Prefix") }
            let truncated = root.string("IsTruncated") == "true"
            let next = root.string("NextContinuationToken")
            if truncated && next == nil {
                throw AWSError(kind: .invalidResponse, operation: "S3.ListObjectsV2", resource: "s3://\(bucket)",
                               message: "a truncated listing without NextContinuationToken")
            }
            return S3ListPage(objects: objects, commonPrefixes: prefixes, continuationToken: truncated ? next : nil)
        }
        c.resource = S3Location(bucket: bucket, key: prefix).description
        return c
    }

    func createMultipartCall(_ bucket: String, _ key: String, _ contentType: String) -> AWSCall<String> {
        call("CreateMultipartUpload", bucket, key, method: "POST", query: [("uploads", "")], headers: [("content-type", contentType)]) { response in
            guard let id = try Self.xml(response, "S3.CreateMultipartUpload", bucket).string("UploadId"), !id.isEmpty else {
                throw AWSError(kind: .invalidResponse, operation: "S3.CreateMultipartUpload", resource: "s3://\(bucket)/\(key)",
                               message: "no UploadId in the answer")
            }
            return id
        }
    }

    func uploadPartCall(_ bucket: String, _ key: String, _ uploadId: String, _ partNumber: Int, _ body: [UInt8]) throws -> AWSCall<S3UploadedPart> {
        guard (1...10000).contains(partNumber) else {
            throw AWSError(kind: .invalidRequest, operation: "S3.UploadPart", resource: "s3://\(bucket)/\(key)",
                           message: "part number \(partNumber) is outside S3's 1...10000", attempts: 0)
        }
        let query = [("partNumber", String(partNumber)), ("uploadId", uploadId)]
        return call("UploadPart", bucket, key, method: "PUT", query: query, body: body) { response in
            guard let etag = response.headers["etag"] else {
                throw AWSError(kind: .invalidResponse, operation: "S3.UploadPart", resource: "s3://\(bucket)/\(key)",
                               message: "no ETag for part \(partNumber)")
            }
            return S3UploadedPart(partNumber: partNumber, eTag: Self.unquote(etag))
        }
    }

    func completeMultipartCall(_ bucket: String, _ key: String, _ uploadId: String, _ parts: [S3UploadedPart]) -> AWSCall<String> {
        var xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for p in parts.sorted(by: { $0.partNumber < $1.partNumber }) {
            xml += "<Part><PartNumber>\(p.partNumber)</PartNumber><ETag>\"\(xmlEscape(p.eTag))\"</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let resource = "s3://\(bucket)/\(key)"
        return call("CompleteMultipartUpload", bucket, key, method: "POST", query: [("uploadId", uploadId)],
                    headers: [("content-type", "application/xml")], body: Array(xml.utf8)) { response in
            let root = try Self.xml(response, "S3.CompleteMultipartUpload", bucket)
            // A 200 whose body is an <Error> is a failure (the API reference warns of it).
            if root.name == "Error" {
                throw AWSError(kind: ServiceCore.kind(status: 500, code: root.string("Code")), operation: "S3.CompleteMultipartUpload",
                               resource: resource, statusCode: response.status, code: root.string("Code"),
                               message: root.string("Message") ?? "", requestId: ServiceCore.requestId(response))
            }
            return Self.unquote(root.string("ETag") ?? "")
        }
    }

    func abortMultipartCall(_ bucket: String, _ key: String, _ uploadId: String) -> AWSCall<Void> {
        call("AbortMultipartUpload", bucket, key, method: "DELETE", query: [("uploadId", uploadId)]) { _ in () }
    }

    func createBucketCall(_ bucket: String) -> AWSCall<Void> {
        var body: [UInt8] = []
        if configuration.region != "us-east-1" {
            body = Array(("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<LocationConstraint>\(xmlEscape(configuration.region))</LocationConstraint></CreateBucketConfiguration>").utf8)
        }
        return call("CreateBucket", bucket, nil, method: "PUT", body: body) { _ in () }
    }

    // MARK: Reading answers

    static func parseError(_ response: HTTPResponse) -> (code: String?, message: String?) {
        guard !response.body.isEmpty, let root = try? XMLParser.parse(response.body) else {
            return (nil, response.body.isEmpty ? nil : String(decoding: response.body.prefix(200), as: UTF8.self))
        }
        return (root.string("Code"), root.string("Message"))
    }

    static func xml(_ response: HTTPResponse, _ operation: String, _ bucket: String) throws -> XMLNode {
        do {
            return try XMLParser.parse(response.body)
        } catch {
            throw AWSError(kind: .invalidResponse, operation: operation, resource: "s3://\(bucket)", statusCode: response.status,
                           message: "unreadable XML: \(error)", requestId: ServiceCore.requestId(response))
        }
    }

    static func objectInfo(_ key: String, _ response: HTTPResponse, operation: String, bucket: String) throws -> S3ObjectInfo {
        var size: Int64?
        if let cr = response.headers["content-range"] {
            size = contentRange(cr)?.total
        } else {
            size = response.headers["content-length"].flatMap { Int64($0) }
        }
        guard let size else {
            throw AWSError(kind: .invalidResponse, operation: operation, resource: "s3://\(bucket)/\(key)",
                           statusCode: response.status, message: "no object size (Content-Length or Content-Range)")
        }
        return S3ObjectInfo(
            key: key, size: size, eTag: response.headers["etag"].map(unquote),
            lastModified: response.headers["last-modified"].flatMap(HTTPDates.imfFixdate))
    }

    /// `bytes 0-9/100` → (0, 100); `bytes */100` (a 416's) → (0, 100).
    static func contentRange(_ header: String) -> (start: Int64, total: Int64)? {
        guard header.hasPrefix("bytes "), let slash = header.lastIndex(of: "/"),
            let total = Int64(header[header.index(after: slash)...])
        else { return nil }
        let span = header[header.index(header.startIndex, offsetBy: 6)..<slash]
        if span == "*" { return (0, total) }
        guard let dash = span.firstIndex(of: "-"), let start = Int64(span[..<dash]) else { return nil }
        return (start, total)
    }

    static func unquote(_ etag: String) -> String {
        etag.count >= 2 && etag.hasPrefix("\"") && etag.hasSuffix("\"") ? String(etag.dropFirst().dropLast()) : etag
    }
}
