/// Float32 to ggml storage types, as ggml-quants.c's reference quantisers (`quantize_row_*_ref`)
/// compute them: the inverse of `GGUFDequantizer` for F32, F16, BF16 and the 32-weight blocks
/// Q4_0, Q4_1, Q5_0, Q5_1 and Q8_0 (what `GGUFWriter` needs to write small models).
public enum GGUFQuantizer {
    /// The types `encode` can write.
    public static let encodable: Set<GGMLType> = [.f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0]

    /// The stored bytes of `values` as `type`; rows of `rowLength` values must be whole blocks.
    ///
    /// - Throws: `GGUFWriterError` naming `name` for a type without an encoder, rows that are not
    ///   whole blocks, or a NaN or infinity bound for a block type.
    public static func encode(_ values: [Float], as type: GGMLType, rowLength: Int, name: String = "tensor") throws -> [UInt8] {
        guard encodable.contains(type) else {
            throw GGUFWriterError("\(name): no encoder for \(type) (encodable: \(encodable.map(\.description).sorted().joined(separator: ", ")))")
        }
        let block = type.blockLayout.elements
        guard rowLength % block == 0 else {
            throw GGUFWriterError("\(name): rows of \(rowLength) values are not whole \(type) blocks of \(block)")
        }
        if type.blockLayout.elements > 1, let index = values.firstIndex(where: { !$0.isFinite }) {
            throw GGUFWriterError("\(name): value \(index) is \(values[index]); \(type) blocks hold finite values only")
        }
        var out: [UInt8] = []
        out.reserveCapacity(values.count / block * type.blockLayout.bytes)
        switch type {
        case .f32: for x in values { GGUFWriter.append(x.bitPattern, to: &out) }
        case .f16: for x in values { GGUFWriter.append(Float16(x).bitPattern, to: &out) }
        case .bf16: for x in values { GGUFWriter.append(bfloat16(x), to: &out) }
        default:
            for start in stride(from: 0, to: values.count, by: 32) {
                let x = Array(values[start..<start + 32])
                switch type {
                case .q4_0: q4_0(x, into: &out)
                case .q4_1: q4_1(x, into: &out)
                case .q5_0: q5_0(x, into: &out)
                case .q5_1: q5_1(x, into: &out)
                default: q8_0(x, into: &out)
                }
            }
        }
        return out
    }

    /// The upper half of a Float32, rounded to nearest even (a NaN stays a quiet NaN), as
    /// `gguf.quants` and ggml's `ggml_compute_fp32_to_bf16` round.
    static func bfloat16(_ x: Float) -> UInt16 {
        let bits = x.bitPattern
        if x.isNaN { return UInt16(bits >> 16) | 0x40 }
        return UInt16((bits &+ (0x7FFF &+ ((bits >> 16) & 1))) >> 16)
    }

    static func appendHalf(_ x: Float, to out: inout [UInt8]) {
        GGUFWriter.append(Float16(x).bitPattern, to: &out)
    }

    /// The value of largest magnitude (its sign kept) and that magnitude.
    static func signedMaximum(_ x: [Float]) -> (value: Float, magnitude: Float) {
        var value: Float = 0, magnitude: Float = 0
        for v in x where abs(v) > magnitude { magnitude = abs(v); value = v }
        return (value, magnitude)
    }

    /// `block_q4_0`: d = max / −8, q = min(15, ⌊x/d + 8.5⌋).
    static func q4_0(_ x: [Float], into out: inout [UInt8]) {
        let d = signedMaximum(x).value / -8
        let id: Float = d != 0 ? 1 / d : 0
        appendHalf(d, to: &out)
        for j in 0..<16 {
            let low = min(15, Int(x[j] * id + 8.5)), high = min(15, Int(x[j + 16] * id + 8.5))
            out.append(UInt8(low | high << 4))
        }
    }

    /// `block_q4_1`: d = (max − min) / 15, m = min, q = min(15, ⌊(x − min)/d + 0.5⌋).
    static func q4_1(_ x: [Float], into out: inout [UInt8]) {
        let low = x.min() ?? 0, high = x.max() ?? 0
        let d = (high - low) / 15
        let id: Float = d != 0 ? 1 / d : 0
        appendHalf(d, to: &out)
        appendHalf(low, to: &out)
        for j in 0..<16 {
            let a = min(15, Int((x[j] - low) * id + 0.5)), b = min(15, Int((x[j + 16] - low) * id + 0.5))
            out.append(UInt8(a | b << 4))
        }
    }

    /// `block_q5_0`: d = max / −16, q = min(31, ⌊x/d + 16.5⌋); the fifth bits in qh.
    static func q5_0(_ x: [Float], into out: inout [UInt8]) {
        let d = signedMaximum(x).value / -16
        let id: Float = d != 0 ? 1 / d : 0
        let q = x.map { min(31, Int($0 * id + 16.5)) }
        appendHalf(d, to: &out)
        appendFiveBits(q, to: &out)
    }

    /// `block_q5_1`: d = (max − min) / 31, m = min, q = min(31, ⌊(x − min)/d + 0.5⌋).
    static func q5_1(_ x: [Float], into out: inout [UInt8]) {
        let low = x.min() ?? 0, high = x.max() ?? 0
        let d = (high - low) / 31
        let id: Float = d != 0 ? 1 / d : 0
        let q = x.map { min(31, Int(($0 - low) * id + 0.5)) }
        appendHalf(d, to: &out)
        appendHalf(low, to: &out)
        appendFiveBits(q, to: &out)
    }

    /// qh (bit j = the fifth bit of weight j), then qs: weight j's low nibble with weight j + 16's.
    static func appendFiveBits(_ q: [Int], to out: inout [UInt8]) {
        var qh: UInt32 = 0
        for j in 0..<32 { qh |= UInt32((q[j] >> 4) & 1) << UInt32(j) }
        GGUFWriter.append(qh, to: &out)
        for j in 0..<16 { out.append(UInt8((q[j] & 0x0F) | (q[j + 16] & 0x0F) << 4)) }
    }

    /// `block_q8_0`: d = max|x| / 127, q = round(x/d).
    static func q8_0(_ x: [Float], into out: inout [UInt8]) {
        let d = signedMaximum(x).magnitude / 127
        let id: Float = d != 0 ? 1 / d : 0
        appendHalf(d, to: &out)
        for v in x { out.append(UInt8(bitPattern: Int8((v * id).rounded()))) }
    }
}
