/// The 256-weight "K-quant" super-blocks (ggml-common.h `block_q2_K` … `block_q6_K`).
extension GGUFDequantizer {
    /// `block_q2_K` (84 bytes): scales[16] (low nibble scale, high nibble min), qs[64] (2 bits),
    /// d, dmin (half). Weight k: q = qs[32·(k/128) + k%32] >> 2·((k%128)/32) & 3,
    /// y = (d·sc)·q − dmin·m with the 16-weight sub-block k/16.
    static func q2_K(_ p: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = p + 84 * b, out = y + 256 * b
            let d = half(block, 80), dmin = half(block, 82)
            let qs = block + 16
            for sub in 0..<16 {
                let scale = block[sub]
                let dl = d * Float(scale & 0x0F), ml = dmin * Float(scale >> 4)
                let chunk = sub / 8, shift = UInt8(2 * ((sub % 8) / 2)), lane = 16 * (sub % 2)
                for i in 0..<16 {
                    let q = (qs[32 * chunk + lane + i] >> shift) & 3
                    out[16 * sub + i] = dl * Float(q) - ml
                }
            }
        }
    }

    /// `block_q3_K` (110 bytes): hmask[32] (3rd bit, set = no −4 offset), qs[64] (2 bits),
    /// scales[12] (16 six-bit scales, offset 32), d (half). y = (d·(sc − 32))·q.
    static func q3_K(_ p: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = p + 110 * b, out = y + 256 * b
            let hmask = block, qs = block + 32, scales = block + 96
            let d = half(block, 108)
            for sub in 0..<16 {
                let low = (scales[sub % 8] >> UInt8(4 * (sub / 8))) & 0x0F
                let high = (scales[8 + sub % 4] >> UInt8(2 * (sub / 4))) & 0x03
                let dl = d * Float(Int32(low | high << 4) - 32)
                for i in 0..<16 {
                    let k = 16 * sub + i
                    let lane = k % 32, group = k / 32  // group = 4·(k/128) + (k%128)/32
                    let q = (qs[32 * (k / 128) + lane] >> UInt8(2 * (group % 4))) & 3
                    let offset: Int32 = (hmask[lane] >> UInt8(group)) & 1 == 0 ? 4 : 0
                    out[k] = dl * Float(Int32(q) - offset)
                }
            }
        }
    }

    /// The 6-bit scale and min of sub-block `j` (0..<8) from Q4_K / Q5_K's 12 packed bytes
    /// (`get_scale_min_k4` in ggml-quants.c).
    @inline(__always)
    static func scaleMin(_ s: UnsafePointer<UInt8>, _ j: Int) -> (scale: UInt8, min: UInt8) {
        if j < 4 { return (s[j] & 63, s[j + 4] & 63) }
        return ((s[j + 4] & 0x0F) | ((s[j - 4] >> 6) << 4), (s[j + 4] >> 4) | ((s[j] >> 6) << 4))
    }

    /// `block_q4_K` (144 bytes): d, dmin (half), scales[12], qs[128]. Each 64 weights take 32
    /// bytes of qs: low nibbles → sub-block 2i, high → 2i+1. y = (d·sc)·q − dmin·m.
    static func q4_K(_ p: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = p + 144 * b, out = y + 256 * b
            let d = half(block, 0), dmin = half(block, 2)
            let scales = block + 4, qs = block + 16
            for sub in 0..<8 {
                let (sc, m) = scaleMin(scales, sub)
                let d1 = d * Float(sc), m1 = dmin * Float(m)
                let source = qs + 32 * (sub / 2), shift = UInt8(4 * (sub % 2))
                for l in 0..<32 { out[32 * sub + l] = d1 * Float((source[l] >> shift) & 0x0F) - m1 }
            }
        }
    }

    /// `block_q5_K` (176 bytes): d, dmin (half), scales[12], qh[32] (bit j of qh[l] = 5th bit of
    /// weight 32j + l), qs[128] as in Q4_K. y = (d·sc)·q − dmin·m.
    static func q5_K(_ p: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = p + 176 * b, out = y + 256 * b
            let d = half(block, 0), dmin = half(block, 2)
            let scales = block + 4, qh = block + 16, qs = block + 48
            for sub in 0..<8 {
                let (sc, m) = scaleMin(scales, sub)
                let d1 = d * Float(sc), m1 = dmin * Float(m)
                let source = qs + 32 * (sub / 2), shift = UInt8(4 * (sub % 2)), bit = UInt8(sub)
                for l in 0..<32 {
                    let q = ((source[l] >> shift) & 0x0F) | ((qh[l] >> bit) & 1) << 4
                    out[32 * sub + l] = d1 * Float(q) - m1
                }
            }
        }
    }

    /// `block_q6_K` (210 bytes): ql[128] (low 4 bits), qh[64] (high 2 bits), scales: Int8[16], d (half).
    /// Per 128 weights (ql += 64, qh += 32), l < 32: y[l], y[l+32], y[l+64], y[l+96] from
    /// ql[l] & 15, ql[l+32] & 15, ql[l] >> 4, ql[l+32] >> 4 with qh[l] bits 0–1, 2–3, 4–5, 6–7;
    /// y = (d·scale)·(q − 32), scale of the 16-weight sub-block.
    static func q6_K(_ p: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let block = p + 210 * b, out = y + 256 * b
            let d = half(block, 208)
            let scales = block + 192
            for half128 in 0..<2 {
                let ql = block + 64 * half128, qh = block + 128 + 32 * half128
                let o = out + 128 * half128
                let s = scales + 8 * half128
                for l in 0..<32 {
                    let isub = l / 16
                    let scale = { (index: Int) in d * Float(Int8(bitPattern: s[index])) }
                    let h = qh[l]
                    let q1 = Int32((ql[l] & 0x0F) | (h & 3) << 4) - 32
                    let q2 = Int32((ql[l + 32] & 0x0F) | ((h >> 2) & 3) << 4) - 32
                    let q3 = Int32((ql[l] >> 4) | ((h >> 4) & 3) << 4) - 32
                    let q4 = Int32((ql[l + 32] >> 4) | ((h >> 6) & 3) << 4) - 32
                    o[l] = scale(isub) * Float(q1)
                    o[l + 32] = scale(isub + 2) * Float(q2)
                    o[l + 64] = scale(isub + 4) * Float(q3)
                    o[l + 96] = scale(isub + 6) * Float(q4)
                }
            }
        }
    }
}
