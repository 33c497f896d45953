import ParallelWork

/// A dense symmetric positive-definite Float32 matrix, inverted in place by the block sweep operator.
///
/// Only the lower triangle is read and kept: entry (i, j) with i ≥ j lives at `storage[i * size + j]`. The order
/// is padded to a multiple of `blockSize` with identity rows, which the sweep leaves alone, so every block is full
/// and the kernels never need an edge case.
///
/// Why a sweep rather than Cholesky then two triangular steps: one kernel does all the work. Sweeping block k
/// replaces the lower triangle by `A − A[:,k] A[k,k]⁻¹ A[k,:]`, one rank-`blockSize` update, and the panel by
/// `A[:,k] A[k,k]⁻¹`; after every block is swept the matrix holds `−A⁻¹`. The update is a matrix product of an
/// `n×b` by a `b×n` panel over the lower triangle (n³ flops in all, half the full-matrix count), tiled so a
/// 16-column strip of the packed panel stays in L1 while 64 rows of the other stay in L2, with a 4×16 register
/// block of SIMD8 fused multiply-adds.
public final class SymmetricMatrix: @unchecked Sendable {
    public static let blockSize = 128
    /// The order asked for; `size` is it padded.
    public let order: Int
    public let size: Int
    public let storage: UnsafeMutableBufferPointer<Float>

    /// Bytes a matrix of this order takes, for refusing what does not fit before allocating.
    public static func bytes(order: Int) -> Int {
        let size = padded(order)
        // The matrix, plus the panel, its product and its packed copy during a sweep.
        return size * size * 4 + 3 * size * blockSize * 4
    }

    static func padded(_ order: Int) -> Int { max(1, (order + blockSize - 1) / blockSize) * blockSize }

    public init(order: Int) {
        self.order = order
        size = Self.padded(order)
        let count = size * size
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
        storage = UnsafeMutableBufferPointer(start: raw.bindMemory(to: Float.self, capacity: count), count: count)
        storage.initialize(repeating: 0)
        for index in order..<size { storage[index * size + index] = 1 }
    }

    deinit { UnsafeMutableRawPointer(storage.baseAddress!).deallocate() }

    /// Entry (i, j) of the symmetric matrix, read from the lower triangle.
    @inline(__always)
    public subscript(i: Int, j: Int) -> Float {
        get { i >= j ? storage[i * size + j] : storage[j * size + i] }
        set { if i >= j { storage[i * size + j] = newValue } else { storage[j * size + i] = newValue } }
    }

    /// Copies the lower triangle onto the upper one, so whole rows can be read contiguously afterwards.
    public func mirrorLowerToUpper(threads: Int) {
        let size = self.size, tile = 64
        nonisolated(unsafe) let a = storage.baseAddress!
        let tiles = size / tile
        Parallel.forEachChunk(of: tiles, chunk: 1, workers: threads) { range, _ in
            for rowTile in range {
                for columnTile in 0..<rowTile {
                    for i in (rowTile * tile)..<((rowTile + 1) * tile) {
                        for j in (columnTile * tile)..<((columnTile + 1) * tile) { a[j * size + i] = a[i * size + j] }
                    }
                }
                let base = rowTile * tile
                for i in base..<(base + tile) { for j in base..<i { a[j * size + i] = a[i * size + j] } }
            }
        }
    }

    /// Replaces the matrix by its inverse (lower triangle). Returns false when a pivot block is not positive
    /// definite (the matrix was not), leaving the contents undefined.
    public func invert(threads: Int, progress: (Int, Int) -> Void = { _, _ in }) -> Bool {
        let b = Self.blockSize, size = self.size
        let panel = UnsafeMutableBufferPointer<Float>.allocate(capacity: size * b)
        let product = UnsafeMutableBufferPointer<Float>.allocate(capacity: size * b)
        let packed = UnsafeMutableBufferPointer<Float>.allocate(capacity: size * b)
        defer { panel.deallocate(); product.deallocate(); packed.deallocate() }
        let blocks = size / b
        for block in 0..<blocks {
            guard sweep(block: block, panel: panel, product: product, packed: packed, threads: threads) else { return false }
            progress(block + 1, blocks)
        }
        // The sweeps leave −A⁻¹.
        nonisolated(unsafe) let a = storage.baseAddress!
        Parallel.forEachChunk(of: size, chunk: 256, workers: threads) { rows, _ in
            for i in rows { for j in 0...i { a[i * size + j] = -a[i * size + j] } }
        }
        return true
    }

    private func sweep(block: Int, panel: UnsafeMutableBufferPointer<Float>, product: UnsafeMutableBufferPointer<Float>,
                       packed: UnsafeMutableBufferPointer<Float>, threads: Int) -> Bool {
        let b = Self.blockSize, size = self.size, k0 = block * b
        nonisolated(unsafe) let a = storage.baseAddress!
        nonisolated(unsafe) let p = panel.baseAddress!, w = product.baseAddress!, q = packed.baseAddress!
        // The panel P = A[:, k0..<k0+b], row-major size × b, read from the lower triangle.
        Parallel.forEachChunk(of: size, chunk: 512, workers: threads) { rows, _ in
            for i in rows {
                if i >= k0 + b {
                    for t in 0..<b { p[i * b + t] = a[i * size + k0 + t] }
                } else if i >= k0 {
                    for t in 0..<b { p[i * b + t] = i >= k0 + t ? a[i * size + k0 + t] : a[(k0 + t) * size + i] }
                }
            }
        }
        for t in 0..<b {
            let row = a + (k0 + t) * size
            for i in 0..<k0 { p[i * b + t] = row[i] }
        }
        // D = A[k,k]⁻¹ in Double: the pivot block is small and its accuracy carries into every later update.
        var pivot = [Double](repeating: 0, count: b * b)
        for s in 0..<b { for t in 0..<b { pivot[s * b + t] = Double(p[(k0 + s) * b + t]) } }
        guard let inverse = Self.invertSmall(pivot, n: b) else { return false }
        let d = UnsafeMutableBufferPointer<Float>.allocate(capacity: b * b)
        defer { d.deallocate() }
        for index in 0..<(b * b) { d[index] = Float(inverse[index]) }
        nonisolated(unsafe) let dp = d.baseAddress!
        // W = P D (rows of block k are overwritten below; zero them so nothing undefined is multiplied).
        Parallel.forEachChunk(of: size, chunk: 256, workers: threads) { rows, _ in
            for i in rows {
                let out = w + i * b
                for t in Swift.stride(from: 0, to: b, by: 8) { VectorKernels.store(SIMD8(), out + t) }
                if i >= k0 && i < k0 + b { continue }
                let row = p + i * b
                for s in 0..<b where row[s] != 0 { VectorKernels.axpy(row[s], dp + s * b, out, b) }
            }
        }
        // Pᵀ packed in 16-column strips: q[(strip * b + t) * 16 + c] = P[strip * 16 + c][t].
        let strips = size / 16
        Parallel.forEachChunk(of: strips, chunk: 64, workers: threads) { range, _ in
            for strip in range {
                for c in 0..<16 {
                    let row = p + (strip * 16 + c) * b
                    for t in 0..<b { q[(strip * b + t) * 16 + c] = row[t] }
                }
            }
        }
        // Lower triangle −= W Pᵀ, in 64-row blocks handed out largest first.
        let rowBlocks = size / 64
        Parallel.forEachChunk(of: rowBlocks, chunk: 1, workers: threads) { range, _ in
            for reversed in range {
                let rowBlock = rowBlocks - 1 - reversed
                let firstRow = rowBlock * 64
                let lastStrip = (firstRow + 63) / 16
                for strip in 0...lastStrip {
                    let column = strip * 16
                    let strip = q + strip * b * 16
                    var row = max(firstRow, column & ~3)
                    while row < firstRow + 64 {
                        Self.multiplySubtract4x16(a + row * size + column, size, w + row * b, b, strip, b)
                        row += 4
                    }
                }
            }
        }
        // The panel becomes W, the pivot block −D.
        Parallel.forEachChunk(of: size, chunk: 512, workers: threads) { rows, _ in
            for i in rows where i >= k0 + b {
                for t in 0..<b { a[i * size + k0 + t] = w[i * b + t] }
            }
        }
        for t in 0..<b {
            let row = a + (k0 + t) * size
            for i in 0..<k0 { row[i] = w[i * b + t] }
            for s in 0...t { row[k0 + s] = -dp[t * b + s] }
        }
        return true
    }

    /// `C[0..<4][0..<16] −= W[0..<4][0..<depth] · Q[0..<depth][0..<16]`: eight SIMD8 accumulators, two strip loads
    /// and four broadcasts per step.
    @inline(__always)
    static func multiplySubtract4x16(_ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ w: UnsafePointer<Float>, _ ldw: Int,
                                     _ q: UnsafePointer<Float>, _ depth: Int) {
        var c00 = SIMD8<Float>(), c01 = SIMD8<Float>(), c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
        var c20 = SIMD8<Float>(), c21 = SIMD8<Float>(), c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
        let w0 = w, w1 = w + ldw, w2 = w + 2 * ldw, w3 = w + 3 * ldw
        var strip = q
        for t in 0..<depth {
            let q0 = VectorKernels.load(strip), q1 = VectorKernels.load(strip + 8)
            let a0 = SIMD8<Float>(repeating: w0[t]), a1 = SIMD8<Float>(repeating: w1[t])
            c00.addProduct(a0, q0); c01.addProduct(a0, q1)
            c10.addProduct(a1, q0); c11.addProduct(a1, q1)
            let a2 = SIMD8<Float>(repeating: w2[t]), a3 = SIMD8<Float>(repeating: w3[t])
            c20.addProduct(a2, q0); c21.addProduct(a2, q1)
            c30.addProduct(a3, q0); c31.addProduct(a3, q1)
            strip += 16
        }
        @inline(__always) func subtract(_ row: UnsafeMutablePointer<Float>, _ x: SIMD8<Float>, _ y: SIMD8<Float>) {
            VectorKernels.store(VectorKernels.load(row) - x, row)
            VectorKernels.store(VectorKernels.load(row + 8) - y, row + 8)
        }
        subtract(c, c00, c01)
        subtract(c + ldc, c10, c11)
        subtract(c + 2 * ldc, c20, c21)
        subtract(c + 3 * ldc, c30, c31)
    }

    /// The inverse of a small symmetric positive-definite matrix (row-major), through its Cholesky factor; nil when
    /// it is not positive definite.
    static func invertSmall(_ a: [Double], n: Int) -> [Double]? {
        guard let lower = Cholesky.factor(a, n: n) else { return nil }
        // L⁻¹, lower triangular, column by column.
        var lowerInverse = [Double](repeating: 0, count: n * n)
        for column in 0..<n {
            lowerInverse[column * n + column] = 1 / lower[column * n + column]
            for i in (column + 1)..<n {
                var sum = 0.0
                for k in column..<i { sum -= lower[i * n + k] * lowerInverse[k * n + column] }
                lowerInverse[i * n + column] = sum / lower[i * n + i]
            }
        }
        // A⁻¹ = L⁻ᵀ L⁻¹.
        var inverse = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = 0.0
                for k in i..<n { sum += lowerInverse[k * n + i] * lowerInverse[k * n + j] }
                inverse[i * n + j] = sum
                inverse[j * n + i] = sum
            }
        }
        return inverse
    }
}
