import Testing

@testable import AWS

@Suite struct XMLParserTests {
    @Test func readsAListingWithEntitiesNamespacesAndEmptyElements() throws {
        let doc = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- a comment -->
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Name>b</Name><Prefix/>
              <Contents><Key>a&amp;b&lt;c&gt;&#233;&#x4E2D;.json</Key><Size>12</Size><ETag>&quot;abc&quot;</ETag></Contents>
              <Contents><Key><![CDATA[x<y]]></Key><Size>0</Size></Contents>
              <s3:IsTruncated>false</s3:IsTruncated>
            </ListBucketResult>
            """
        let root = try XMLParser.parse(Array(doc.utf8))
        #expect(root.name == "ListBucketResult")
        #expect(root.string("Prefix") == "")
        let contents = root.children("Contents")
        #expect(contents.map { $0.string("Key") } == ["a&b<c>é中.json", "x<y"])
        #expect(contents[0].string("ETag") == "\"abc\"")
        #expect(root.string("IsTruncated") == "false")
    }

    @Test func rejectsMalformedDocuments() {
        for bad in ["", "<a>", "<a></b>", "<a>&bogus;</a>", "<a></a><b></b>", "text", "<a x=\"1></a>"] {
            #expect(throws: XMLParser.Failure.self, "\(bad)") { try XMLParser.parse(Array(bad.utf8)) }
        }
    }

    @Test func escapingRoundTrips() throws {
        let key = "a&b<c>\"d'e"
        let root = try XMLParser.parse(Array("<Key>\(xmlEscape(key))</Key>".utf8))
        #expect(root.text == key)
    }
}
