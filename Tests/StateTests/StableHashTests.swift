import Columnar
import StateTestSupport
import Testing
@testable import State

@Suite struct StableHashTests {
    @Test func matchesPublishedXXHash64Values() {
        #expect(StableHash.xxHash64(Array("".utf8)) == 0xEF46_DB37_51D8_E999)
        #expect(StableHash.xxHash64(Array("a".utf8)) == 0xD24E_C4F1_A98C_6E5B)
        #expect(StableHash.xxHash64(Array("abc".utf8)) == 0x44BC_2CF5_AD77_0999)
    }

    @Test func isFixedForLongInputs() {
        // Over 32 bytes takes the striped path; the low 32 bits agree with the checksum the
        // zstd command line writes for the same bytes (0x397adcdc).
        let h = StableHash.xxHash64(Array("Sluice state store: a fixed 64-bit hash of more than thirty-two bytes".utf8))
        #expect(h & 0xFFFF_FFFF == 0x397A_DCDC)
        #expect(h == 0xDB2B_B4F3_397A_DCDC)
    }

    @Test func partitionOfAKeyIsFixedAcrossRuns() throws {
        let checkpoint = TemporaryCheckpoint()
        let provider = try checkpoint.provider(partitions: 7)
        let key: [Value] = ["svc-1", .timestamp(60_000_000)]
        // State keys are in the group-key layout (state format 2).
        let bytes = try StateKeyCodec(StateFixtures.keySchema).encode(key)
        #expect(bytes.count == 23)
        let hash = StableHash.xxHash64(bytes)
        // Low 32 bits agree with `zstd --check` over the same 23 bytes.
        #expect(hash == 0xEFEF_4CA3_2ADA_E189)
        let partition = try provider.partition(ofKey: key)
        #expect(partition == 0)
    }
}
