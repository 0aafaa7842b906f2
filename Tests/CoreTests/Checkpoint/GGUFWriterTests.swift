import Foundation
import Testing
@testable import Models
import Support

@Suite("GGUF writing")
struct GGUFWriterTests {
    /// Normal-ish values with an outlier per block, as weights have.
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { index in
            let x = Float(random.nextUnitDouble() * 2 - 1) * 0.3
            return index % 32 == 7 ? x * 6 : x
        }
    }

    @Test("every encodable type reads back through the dequantiser within half of its block's step (a whole step for Q4_0 and Q5_0, which clip the side opposite the largest weight)",
          arguments: [GGMLType.f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0])
    func roundTrip(_ type: GGMLType) throws {
        let values = Self.values(256, seed: 3)
        let bytes = try GGUFQuantizer.encode(values, as: type, rowLength: 64)
        #expect(bytes.count == 256 / type.blockLayout.elements * type.blockLayout.bytes)
        let back = GGUFDequantizer.dequantize(bytes, type: type)
        for start in stride(from: 0, to: 256, by: 32) {
            let block = values[start..<start + 32]
            let range = block.max()! - block.min()!, magnitude = block.map(abs).max()!
            let step: Float = switch type {
            case .f32: 0
            case .f16: magnitude / 1024
            case .bf16: magnitude / 128
            case .q4_0: magnitude / 8
            case .q5_0: magnitude / 16
            case .q8_0: magnitude / 127
            case .q4_1: range / 15
            default: range / 31
            }
            let worst = zip(block, back[start..<start + 32]).map { abs($0 - $1) }.max()!
            // Half a step (a whole one where the reference clips), plus the half-precision rounding of
            // the scale (and of the minimum).
            let clipped = type == .q4_0 || type == .q5_0
            #expect(worst <= (clipped ? step : step / 2) + magnitude * 2e-3, "\(type) block \(start / 32): \(worst) against a step of \(step)")
        }
        if type == .f32 { #expect(back == values) }
    }

    @Test("the quantisers' rounding: Q8_0 keeps ±127 at the largest weight, Q5_0 puts the fifth bits in qh")
    func blockLayouts() throws {
        var x = [Float](repeating: 0, count: 32)
        x[3] = -2.54; x[20] = 1.28; x[31] = 0.5
        let q8 = try GGUFQuantizer.encode(x, as: .q8_0, rowLength: 32)
        #expect(Int8(bitPattern: q8[2 + 3]) == -127 && Int8(bitPattern: q8[2 + 20]) == 64)
        let q5 = try GGUFQuantizer.encode(x, as: .q5_0, rowLength: 32)
        // d = −2.54 / −16 = 0.15875: weight 3 → q = 0 (fifth bit 0), the zeros → 16 (fifth bit 1).
        let qh = UInt32(q5[2]) | UInt32(q5[3]) << 8 | UInt32(q5[4]) << 16 | UInt32(q5[5]) << 24
        #expect(qh & (1 << 3) == 0 && qh & 1 == 1)
    }

    @Test("refusals name the tensor: a type without an encoder, rows that are not whole blocks, NaN in a block")
    func refusals() {
        let values = [Float](repeating: 1, count: 64)
        #expect(throws: GGUFWriterError.self) { try GGUFQuantizer.encode(values, as: .q4_K, rowLength: 64, name: "w") }
        let ragged = #expect(throws: GGUFWriterError.self) { try GGUFQuantizer.encode(values, as: .q8_0, rowLength: 16, name: "blk.0.w") }
        #expect(ragged?.description.hasPrefix("blk.0.w: rows of 16") == true)
        var withNaN = values
        withNaN[5] = .nan
        let nan = #expect(throws: GGUFWriterError.self) { try GGUFQuantizer.encode(withNaN, as: .q4_1, rowLength: 64, name: "x") }
        #expect(nan?.description.contains("value 5 is nan") == true)
        var writer = GGUFWriter(architecture: "test")
        #expect(throws: GGUFWriterError.self) { try writer.addTensor("t", shape: [3, 3], values: values, as: .f32) }
    }

    @Test("a written file reads back: metadata in order with its types, tensor shapes, types, aligned offsets and values")
    func fileRoundTrip() throws {
        var writer = GGUFWriter(architecture: "test")
        writer.add("test.count", .uint32(7))
        writer.add("test.scale", .float32(0.5))
        writer.add("test.names", .array(.string, [.string("a"), .string("bé")]))
        let matrix = Self.values(3 * 64, seed: 9), vector = Self.values(5, seed: 10)
        try writer.addTensor("matrix", shape: [3, 64], values: matrix, as: .q8_0)
        try writer.addTensor("vector", shape: [5], values: vector, as: .f32)
        let url = try GGUFFixtures.scratchFile(writer.bytes(), name: "written.gguf")
        defer { GGUFFixtures.remove(url) }
        let file = try GGUFFile(url: url)
        #expect(file.metadataKeys == ["general.architecture", "test.count", "test.scale", "test.names"])
        #expect(file.metadata["test.count"] == .uint32(7) && file.metadata["test.scale"] == .float32(0.5))
        #expect(file.metadata["test.names"] == .array(.string, [.string("a"), .string("bé")]))
        #expect(try file.info("matrix").dimensions == [64, 3] && file.info("matrix").type == .q8_0)
        #expect(try file.info("vector").offset % 32 == 0)
        #expect(try file.tensor("vector").scalars == vector)
        let read = try file.tensor("matrix")
        #expect(read.shape == [3, 64])
        #expect(read.scalars == GGUFDequantizer.dequantize(try GGUFQuantizer.encode(matrix, as: .q8_0, rowLength: 64), type: .q8_0))
    }
}
