import Foundation
import Testing
@testable import Models

/// Every block format against `gguf.quants.dequantize` (gguf 0.19.0) on seeded random blocks.
///
/// Exact equality, bit for bit: the loops do the reference's Float32 operations in its order
/// (scale products first, then `· q`, then `− min` or `+ m`; Swift does not contract them to FMA),
/// and a half or bfloat16 widens to Float32 exactly, so any difference is a bug, not rounding.
@Suite("GGUF dequantisation")
struct GGUFDequantizerTests {
    static let types: [GGMLType] = [.f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K]

    @Test("each type equals gguf.quants.dequantize bit for bit", arguments: types)
    func matchesReference(type: GGMLType) throws {
        let raw = [UInt8](try Data(contentsOf: GGUFFixtures.url("\(type).blocks.bin")))
        let expected = try GGUFFixtures.floats("\(type).expected.f32")
        #expect(raw.count / type.blockLayout.bytes * type.blockLayout.elements == expected.count)
        let found = GGUFDequantizer.dequantize(raw, type: type)
        try #require(found.count == expected.count)
        let mismatches = found.indices.filter { found[$0].bitPattern != expected[$0].bitPattern }
        #expect(mismatches.isEmpty, "\(type): \(mismatches.count) of \(found.count) differ, first at \(mismatches.first ?? -1): \(mismatches.first.map { "\(found[$0]) vs \(expected[$0])" } ?? "")")
    }

    @Test("the block fixtures cover every dequantisable type")
    func coversEveryType() throws {
        #expect(Set(Self.types.map(\.rawValue)) == Set(GGMLType.allCases.filter(\.isDequantizable).map(\.rawValue)))
        let blocks = (try GGUFFixtures.manifest())["blocks"] as? [[String: Any]] ?? []
        #expect(blocks.compactMap { $0["type"] as? String } == Self.types.map(\.description))
    }

    @Test("dequantising block by block equals dequantising all blocks at once", arguments: types)
    func blockByBlock(type: GGMLType) throws {
        let raw = [UInt8](try Data(contentsOf: GGUFFixtures.url("\(type).blocks.bin")))
        let whole = GGUFDequantizer.dequantize(raw, type: type)
        let layout = type.blockLayout
        let pieces = stride(from: 0, to: raw.count, by: layout.bytes).flatMap {
            GGUFDequantizer.dequantize(Array(raw[$0..<($0 + layout.bytes)]), type: type)
        }
        #expect(pieces.map(\.bitPattern) == whole.map(\.bitPattern))
    }

    @Test("NaN and infinite half scales give NaN or infinite weights, not a crash", arguments: [GGMLType.q8_0, .q4_K, .q6_K])
    func nonFiniteScales(type: GGMLType) {
        let layout = type.blockLayout
        let scaleOffset = type == .q6_K ? 208 : 0
        for scale: UInt16 in [0x7C00, 0xFC00, 0x7E00, 0x7C01] {  // +inf, −inf, quiet NaN, signalling NaN
            var block = [UInt8](repeating: 0x11, count: layout.bytes)
            block[scaleOffset] = UInt8(scale & 0xFF)
            block[scaleOffset + 1] = UInt8(scale >> 8)
            let values = GGUFDequantizer.dequantize(block, type: type)
            #expect(values.count == layout.elements)
            #expect(values.allSatisfy { !$0.isFinite }, "\(type) scale 0x\(String(scale, radix: 16))")
        }
    }

    @Test("half and bfloat16 special values widen exactly")
    func specialHalves() {
        let halves: [UInt16] = [0x0000, 0x8000, 0x0001, 0x3C00, 0x7BFF, 0x7C00, 0xFC00]
        let f16 = GGUFDequantizer.dequantize(halves.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }, type: .f16)
        #expect(f16 == [0, -0.0, Float(Float16.leastNonzeroMagnitude), 1, 65504, .infinity, -.infinity])
        #expect(GGUFDequantizer.dequantize([0xC0, 0x7F, 0x80, 0x7F], type: .bf16).map { $0.isNaN } == [true, false])
        #expect(GGUFDequantizer.dequantize([0x80, 0x3F, 0x80, 0x7F, 0x00, 0x80], type: .bf16) == [1, .infinity, -0.0])
    }
}
