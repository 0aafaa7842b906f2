import Testing
@testable import Kernels

@Suite("Tensor")
struct TensorTests {
    @Test("a matrix is rows × columns; more dimensions keep the first as rows and the rest as columns")
    func matrixView() {
        let matrix = Tensor(shape: [2, 3], scalars: (0..<6).map(Float.init))
        #expect(matrix.rows == 2 && matrix.columns == 3)
        #expect(matrix[1, 2] == 5)
        #expect(matrix.row(1) == [3, 4, 5])
        let cube = Tensor(zeros: [2, 3, 4])
        #expect(cube.rows == 2 && cube.columns == 12)
    }

    @Test("a vector is one row of its length", arguments: [1, 5])
    func vector(length: Int) {
        let vector = Tensor(shape: [length], scalars: (0..<length).map(Float.init))
        #expect(vector.rows == 1)
        #expect(vector.columns == length)
        #expect(vector.rows * vector.columns == vector.count)
        #expect(vector.row(0) == vector.scalars)
        #expect(vector[0, length - 1] == Float(length - 1))
    }

    @Test("an empty vector is one row of no columns")
    func emptyVector() {
        let empty = Tensor(zeros: [0])
        #expect(empty.rows == 1 && empty.columns == 0 && empty.count == 0)
        #expect(empty.row(0).isEmpty)
    }

    @Test("a scalar (0-D) is one row of one column")
    func scalar() {
        let scalar = Tensor(shape: [], scalars: [7])
        #expect(scalar.rows == 1 && scalar.columns == 1)
        #expect(scalar[0, 0] == 7)
        #expect(scalar.row(0) == [7])
    }

    @Test("selecting columns copies them in the order asked, repeats included")
    func selectingColumns() {
        let matrix = Tensor(shape: [3, 4], scalars: (0..<12).map(Float.init))
        let picked = matrix.selectingColumns([3, 0, 3])
        #expect(picked.shape == [3, 3])
        #expect(picked.scalars == [3, 0, 3, 7, 4, 7, 11, 8, 11])
        #expect(matrix.selectingColumns([]).shape == [3, 0])
    }
}
