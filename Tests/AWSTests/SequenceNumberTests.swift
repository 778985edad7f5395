import Testing

@testable import AWS

@Suite struct SequenceNumberTests {
    @Test func comparesAsIntegersNotStrings() throws {
        let nine = try #require(SequenceNumber("9"))
        let ten = try #require(SequenceNumber("10"))
        #expect(nine < ten)  // as text "10" < "9"
        let real = try #require(SequenceNumber("49590338271490256608559692538361571095921575989136588898"))
        let realNext = try #require(SequenceNumber("49590338271490256608559692540925702759324208523137515618"))
        #expect(ten < real)
        #expect(real < realNext)
        #expect(!(realNext < real))
        #expect(SequenceNumber("007") == SequenceNumber("7"))
        #expect(SequenceNumber("0")!.digits == "0")
        #expect(SequenceNumber("000")!.digits == "0")
        #expect([ten, real, nine, realNext].sorted() == [nine, ten, real, realNext])
    }

    @Test func rejectsNonDigits() {
        for bad in ["", "-1", "1.5", "12a", " 1", "１"] {
            #expect(SequenceNumber(bad) == nil, "\(bad)")
        }
    }
}
