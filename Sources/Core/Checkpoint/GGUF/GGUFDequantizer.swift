/// ggml block formats to Float32, one plain loop per type (ggml-common.h layouts,
/// ggml-quants.c `dequantize_row_*`; the `gguf` Python package's `quants.py` is the reference).
///
/// Each loop does the arithmetic in the reference's order (e.g. `(d·sc)·q − dmin·m` in Float32),
/// so the results equal `gguf.quants.dequantize` bit for bit. Half scales go through `Float16`:
/// a NaN or infinite scale gives NaN or infinite weights, never a trap.
public enum GGUFDequantizer {
    /// Converts whole blocks of `type` to Float32.
    ///
    /// - Parameters:
    ///   - source: `n` blocks of `type` (`n · type.blockLayout.bytes` bytes).
    ///   - destination: room for exactly `n · type.blockLayout.elements` floats.
    /// - Precondition: `type.isDequantizable` and the sizes above.
    public static func dequantize(_ source: UnsafeRawBufferPointer, type: GGMLType, into destination: UnsafeMutableBufferPointer<Float>) {
        precondition(type.isDequantizable, "no dequantiser for \(type)")
        let layout = type.blockLayout
        precondition(source.count % layout.bytes == 0, "\(source.count) bytes is not a whole number of \(type) blocks")
        let blocks = source.count / layout.bytes
        precondition(destination.count == blocks * layout.elements,
                     "\(blocks) \(type) blocks need \(blocks * layout.elements) floats, got \(destination.count)")
        guard blocks > 0, let base = source.baseAddress, let out = destination.baseAddress else { return }
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        switch type {
        case .f32: f32(bytes, out, count: blocks)
        case .f16: f16(bytes, out, count: blocks)
        case .bf16: bf16(bytes, out, count: blocks)
        case .q4_0: q4_0(bytes, out, blocks: blocks)
        case .q4_1: q4_1(bytes, out, blocks: blocks)
        case .q5_0: q5_0(bytes, out, blocks: blocks)
        case .q5_1: q5_1(bytes, out, blocks: blocks)
        case .q8_0: q8_0(bytes, out, blocks: blocks)
        case .q2_K: q2_K(bytes, out, blocks: blocks)
        case .q3_K: q3_K(bytes, out, blocks: blocks)
        case .q4_K: q4_K(bytes, out, blocks: blocks)
        case .q5_K: q5_K(bytes, out, blocks: blocks)
        case .q6_K: q6_K(bytes, out, blocks: blocks)
        default: preconditionFailure("no dequantiser for \(type)")
        }
    }

    /// Whole blocks of `type` in `bytes` as Float32 (a convenience over the pointer form).
    public static func dequantize(_ bytes: [UInt8], type: GGMLType) -> [Float] {
        let layout = type.blockLayout
        precondition(bytes.count % layout.bytes == 0, "\(bytes.count) bytes is not a whole number of \(type) blocks")
        let count = bytes.count / layout.bytes * layout.elements
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { dequantize($0, type: type, into: UnsafeMutableBufferPointer(rebasing: buffer[0..<count])) }
            initialized = count
        }
    }

    // MARK: - Helpers

    /// A little-endian IEEE half at `p[offset]` as Float.
    @inline(__always)
    static func half(_ p: UnsafePointer<UInt8>, _ offset: Int) -> Float {
        Float(Float16(bitPattern: UInt16(p[offset]) | UInt16(p[offset + 1]) << 8))
    }

    @inline(__always)
    static func uint32(_ p: UnsafePointer<UInt8>, _ offset: Int) -> UInt32 {
        UInt32(p[offset]) | UInt32(p[offset + 1]) << 8 | UInt32(p[offset + 2]) << 16 | UInt32(p[offset + 3]) << 24
    }

    // MARK: - Plain floats

    static func f32(_ p: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = Float(bitPattern: uint32(p, 4 * i)) }
    }

    static func f16(_ p: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = half(p, 2 * i) }
    }

    /// bfloat16 is the upper half of a Float32.
    static func bf16(_ p: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = Float(bitPattern: (UInt32(p[2 * i]) | UInt32(p[2 * i + 1]) << 8) << 16) }
    }

    // MARK: - 32-weight blocks

    /// `block_q4_0`: d (half), qs[16]; y[j] = d·(lo(qs[j]) − 8), y[j+16] = d·(hi(qs[j]) − 8).
    static func q4_0(_ p: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = p + 18 * b, out = y + 32 * b
            let d = half(block, 0)
            for j in 0..<16 {
                let q = block[2 + j]
                out[j] = d * Float(Int32(q & 0x0F) - 8)
                out[j + 16] = d * Float(Int32(q >> 4) - 8)
            }
        }
    }

    /// `block_q4_1`: d, m (half), qs[16]; y = d·q + m.
    static func q4_1(_ p: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = p + 20 * b, out = y + 32 * b
            let d = half(block, 0), m = half(block, 2)
            for j in 0..<16 {
                let q = block[4 + j]
                out[j] = d * Float(q & 0x0F) + m
                out[j + 16] = d * Float(q >> 4) + m
            }
        }
    }

    /// `block_q5_0`: d (half), qh (UInt32, bit j = 5th bit of weight j), qs[16]; y = d·(q − 16).
    static func q5_0(_ p: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = p + 22 * b, out = y + 32 * b
            let d = half(block, 0)
            let qh = uint32(block, 2)
            for j in 0..<16 {
                let q = block[6 + j]
                let low = UInt32(q & 0x0F) | ((qh >> UInt32(j)) & 1) << 4
                let high = UInt32(q >> 4) | ((qh >> UInt32(j + 16)) & 1) << 4
                out[j] = d * Float(Int32(low) - 16)
                out[j + 16] = d * Float(Int32(high) - 16)
            }
        }
    }

    /// `block_q5_1`: d, m (half), qh (UInt32), qs[16]; y = d·q + m.
    static func q5_1(_ p: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = p + 24 * b, out = y + 32 * b
            let d = half(block, 0), m = half(block, 2)
            let qh = uint32(block, 4)
            for j in 0..<16 {
                let q = block[8 + j]
                let low = UInt32(q & 0x0F) | ((qh >> UInt32(j)) & 1) << 4
                let high = UInt32(q >> 4) | ((qh >> UInt32(j + 16)) & 1) << 4
                out[j] = d * Float(low) + m
                out[j + 16] = d * Float(high) + m
            }
        }
    }

    /// `block_q8_0`: d (half), qs: Int8[32]; y = qs·d.
    static func q8_0(_ p: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = p + 34 * b, out = y + 32 * b
            let d = half(block, 0)
            for j in 0..<32 { out[j] = Float(Int8(bitPattern: block[2 + j])) * d }
        }
    }
}
