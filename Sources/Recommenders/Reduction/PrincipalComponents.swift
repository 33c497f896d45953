import SeededRandom
import ParallelWork

/// PCA by subspace iteration on the covariance of (a seeded sample of) the rows: enough to shrink 1280-d image
/// features before cosine ranking without an eigen-solver dependency. Deterministic under the seed.
public struct PrincipalComponents: Sendable {
    public let mean: [Float]
    /// `dimensions` rows of length `mean.count`, orthonormal, strongest first.
    public let components: [[Float]]

    public static func fit(_ data: FactorMatrix, rows: [Int], dimensions: Int, sampleLimit: Int = 8192,
                           iterations: Int = 12, seed: UInt64 = 42, threads: Int = 2) -> PrincipalComponents {
        let d = data.columns
        let k = min(dimensions, d)
        var generator = SeededGenerator(seed: seed)
        var sample = rows
        if sample.count > sampleLimit {
            sample.shuffle(using: &generator)
            sample = Array(sample.prefix(sampleLimit))
        }
        var mean = [Float](repeating: 0, count: d)
        for row in sample { for column in 0..<d { mean[column] += data[row, column] } }
        let count = Float(max(1, sample.count))
        for column in 0..<d { mean[column] /= count }
        // Centred sample, padded rows so the SIMD kernels can run over it.
        let centred = FactorMatrix(rows: max(1, sample.count), columns: d)
        for (index, row) in sample.enumerated() {
            let target = centred.row(index)
            for column in 0..<d { target[column] = data[row, column] - mean[column] }
        }
        let covariance = FactorMatrix(rows: d, columns: d)
        let stride = centred.stride, sampleCount = sample.count
        Parallel.forEachChunk(of: d, chunk: 32, workers: threads) { range, _ in
            // Samples outer, so each centred row is read from memory once per chunk of covariance rows.
            for index in 0..<sampleCount {
                let source = centred.row(index)
                for i in range { VectorKernels.axpy(source[i] / count, source, covariance.row(i), stride) }
            }
        }
        var basis = (0..<k).map { _ in (0..<d).map { _ in Float(generator.unit() - 0.5) } }
        orthonormalise(&basis)
        let vectors = FactorMatrix(rows: k, columns: d), products = FactorMatrix(rows: k, columns: d)
        for _ in 0..<iterations {
            for (index, vector) in basis.enumerated() {
                let row = vectors.row(index)
                for (j, value) in vector.enumerated() { row[j] = value }
            }
            Parallel.forEachChunk(of: k, chunk: 8, workers: threads) { range, _ in
                for index in range {
                    let vector = vectors.row(index), product = products.row(index)
                    for i in 0..<d { product[i] = VectorKernels.dot(covariance.row(i), vector, stride) }
                }
            }
            basis = (0..<k).map { products.rowArray($0) }
            orthonormalise(&basis)
        }
        return PrincipalComponents(mean: mean, components: basis)
    }

    /// Rows of `data` centred and projected onto the components (SIMD dot products, rows split across threads).
    public func project(_ data: FactorMatrix, threads: Int = 2) -> FactorMatrix {
        precondition(data.columns == mean.count)
        let basis = FactorMatrix(rows: components.count + 1, columns: mean.count)
        for (index, component) in components.enumerated() {
            let row = basis.row(index)
            for (k, value) in component.enumerated() { row[k] = value }
        }
        let centreRow = components.count
        for (k, value) in mean.enumerated() { basis.row(centreRow)[k] = value }
        let projected = FactorMatrix(rows: data.rows, columns: components.count)
        let dimensions = components.count, stride = data.stride
        Parallel.forEachChunk(of: data.rows, chunk: 64, workers: threads) { range, _ in
            let centred = UnsafeMutablePointer<Float>.allocate(capacity: stride)
            defer { centred.deallocate() }
            for row in range {
                let source = data.row(row), target = projected.row(row)
                let centre = basis.row(centreRow)
                for k in 0..<stride { centred[k] = source[k] - centre[k] }
                for index in 0..<dimensions { target[index] = VectorKernels.dot(centred, basis.row(index), stride) }
            }
        }
        return projected
    }

    /// Modified Gram–Schmidt, in order, so the strongest direction stays first.
    private static func orthonormalise(_ vectors: inout [[Float]]) {
        for index in vectors.indices {
            for previous in 0..<index {
                let projection = zip(vectors[index], vectors[previous]).reduce(Float(0)) { $0 + $1.0 * $1.1 }
                for j in vectors[index].indices { vectors[index][j] -= projection * vectors[previous][j] }
            }
            let norm = vectors[index].reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
            if norm > 0 { for j in vectors[index].indices { vectors[index][j] /= norm } }
        }
    }
}
