import Foundation
import SeededRandom

/// A dense row-major Float32 matrix whose rows are padded to a multiple of 8 floats, so every row starts on a
/// SIMD8 boundary and kernels never need a scalar tail. Padding columns are always zero.
public final class FactorMatrix: @unchecked Sendable {
    public let rows: Int
    public let columns: Int
    /// Floats between the starts of consecutive rows.
    public let stride: Int
    public let storage: UnsafeMutableBufferPointer<Float>

    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        stride = (columns + 7) / 8 * 8
        // Cache-line aligned, so rows updated by different threads share as few lines as possible.
        let count = max(1, rows * stride)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
        storage = UnsafeMutableBufferPointer(start: raw.bindMemory(to: Float.self, capacity: count), count: count)
        storage.initialize(repeating: 0)
    }

    deinit { UnsafeMutableRawPointer(storage.baseAddress!).deallocate() }

    public func row(_ index: Int) -> UnsafeMutablePointer<Float> { storage.baseAddress! + index * stride }

    public subscript(row: Int, column: Int) -> Float {
        get { storage[row * stride + column] }
        set { storage[row * stride + column] = newValue }
    }

    /// Fills with small seeded values, `scale * uniform(0, 1)`, as the usual ALS initialisation does.
    public func randomise(seed: UInt64, stream: UInt64, scale: Float) {
        var random = SeededGenerator(seed: seed, stream: stream)
        for row in 0..<rows {
            let start = self.row(row)
            for column in 0..<columns { start[column] = Float(random.unit()) * scale }
        }
    }

    public func copy() -> FactorMatrix {
        let copy = FactorMatrix(rows: rows, columns: columns)
        _ = copy.storage.update(fromContentsOf: storage)
        return copy
    }

    /// Fills with seeded N(0, deviation²) values (Box–Muller), the iALS-revisited initialisation.
    public func randomiseNormal(seed: UInt64, stream: UInt64, deviation: Float) {
        var random = SeededGenerator(seed: seed, stream: stream)
        for row in 0..<rows {
            let start = self.row(row)
            for column in 0..<columns {
                let u1 = max(random.unit(), 1e-300), u2 = random.unit()
                start[column] = Float((-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)) * deviation
            }
        }
    }

    public func rowArray(_ index: Int) -> [Float] { Array(UnsafeBufferPointer(start: row(index), count: columns)) }
}

/// SIMD kernels on padded rows (`count` a multiple of 8).
public enum VectorKernels {
    @inline(__always)
    public static func load(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    public static func store(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD8<Float>.self)
    }

    @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var sum = SIMD8<Float>()
        var index = 0
        while index < count {
            sum.addProduct(load(a + index), load(b + index))
            index += 8
        }
        return sum.sum()
    }

    /// `y += alpha * x`
    @inline(__always)
    public static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int) {
        let scale = SIMD8<Float>(repeating: alpha)
        var index = 0
        while index < count {
            var value = load(y + index)
            value.addProduct(scale, load(x + index))
            store(value, y + index)
            index += 8
        }
    }

    /// `y = x + beta * y`
    @inline(__always)
    public static func xpby(_ x: UnsafePointer<Float>, _ beta: Float, _ y: UnsafeMutablePointer<Float>, _ count: Int) {
        let scale = SIMD8<Float>(repeating: beta)
        var index = 0
        while index < count {
            var value = load(x + index)
            value.addProduct(scale, load(y + index))
            store(value, y + index)
            index += 8
        }
    }

    /// `y = A x` for a square `count`×`count` matrix stored with row stride `count`.
    @inline(__always)
    public static func symmetricMultiply(_ matrix: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                                         _ y: UnsafeMutablePointer<Float>, _ count: Int) {
        for row in 0..<count { y[row] = dot(matrix + row * count, x, count) }
    }
}
