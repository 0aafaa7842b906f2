import Foundation
import Testing
@testable import Kernels
@testable import Storage
@testable import Analysis

@Suite("NumPy .npy files")
struct NumpyArrayFileTests {
    @Test("float32 and float16 arrays round-trip; the header is 64-byte aligned", arguments: [NumpyArrayFile.ScalarType.float32, .float16])
    func roundTrip(type: NumpyArrayFile.ScalarType) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rt-\(UUID().uuidString).npy")
        defer { try? FileManager.default.removeItem(at: url) }
        let tensor = Tensor(shape: [3, 5], scalars: (0..<15).map { Float($0) * 0.25 - 1 })
        try NumpyArrayFile.write(tensor, to: url, as: type)
        #expect(try NumpyArrayFile.read(url) == tensor)
        #expect(NumpyArrayFile.header(shape: [3, 5], type: type).count % 64 == 0)
    }

    @Test("the row writer fills rows in any order")
    func rowWriter() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rows-\(UUID().uuidString).npy")
        defer { try? FileManager.default.removeItem(at: url) }
        let writer = try NumpyArrayWriter(url: url, rows: 3, width: 2, type: .float32)
        for row in [2, 0, 1] { try [Float(row), Float(row) + 0.5].withUnsafeBufferPointer { try writer.write(row: row, $0) } }
        try writer.close()
        #expect(try NumpyArrayFile.read(url).scalars == [0, 0.5, 1, 1.5, 2, 2.5])
    }

    @Test("blocks of consecutive rows land at their rows, in either type", arguments: [NumpyArrayFile.ScalarType.float32, .float16])
    func blockWriter(type: NumpyArrayFile.ScalarType) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("blocks-\(UUID().uuidString).npy")
        defer { try? FileManager.default.removeItem(at: url) }
        let writer = try NumpyArrayWriter(url: url, rows: 5, width: 2, type: type)
        try [Float(3), 3.5, 4, 4.5].withUnsafeBufferPointer { try writer.write(firstRow: 3, $0) }   // rows 3–4
        try [Float(0), 0.5].withUnsafeBufferPointer { try writer.write(firstRow: 0, $0) }          // row 0
        try [Float(1), 1.5, 2, 2.5].withUnsafeBufferPointer { try writer.write(firstRow: 1, $0) }   // rows 1–2
        try writer.close()
        #expect(try NumpyArrayFile.read(url).scalars == [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5])
    }

    @Test("a truncated array is reported, not read")
    func truncated() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tr-\(UUID().uuidString).npy")
        defer { try? FileManager.default.removeItem(at: url) }
        try NumpyArrayFile.write(Tensor(zeros: [4, 4]), to: url)
        let data = try Data(contentsOf: url)
        try data.dropLast(4).write(to: url)
        #expect(throws: NumpyArrayFile.Failure.self) { try NumpyArrayFile.read(url) }
    }
}
