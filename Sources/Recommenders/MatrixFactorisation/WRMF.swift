import Dispatch
import ParallelWork

/// Weighted regularised matrix factorisation for implicit feedback (Hu, Koren & Volinsky 2008), trained by
/// alternating least squares. Each row's least-squares problem is solved approximately by a few conjugate-gradient
/// steps warm-started from the previous iterate (Takács, Pilászy & Tikk 2011), or exactly by Cholesky.
public struct WRMF: Sendable {
    public enum Solver: String, Sendable { case conjugateGradient = "cg", cholesky }

    public var factors: Int
    public var regularization: Float
    /// Confidence of an observed interaction is `1 + alpha * scaled(r)`.
    public var alpha: Float
    public var iterations: Int
    public var conjugateGradientSteps: Int
    public var scaling: ConfidenceScaling
    public var solver: Solver
    public var seed: UInt64
    public var threads: Int

    public init(factors: Int = 64, regularization: Float = 0.1, alpha: Float = 50, iterations: Int = 15,
                conjugateGradientSteps: Int = 3, scaling: ConfidenceScaling = .linear, solver: Solver = .conjugateGradient,
                seed: UInt64 = 42, threads: Int = 2) {
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.conjugateGradientSteps = conjugateGradientSteps
        self.scaling = scaling
        self.solver = solver
        self.seed = seed
        self.threads = max(1, threads)
    }

    public var parameters: [String: String] {
        ["factors": String(factors), "regularization": String(regularization), "alpha": String(alpha),
         "iterations": String(iterations), "cg_steps": String(conjugateGradientSteps), "scaling": scaling.rawValue,
         "solver": solver.rawValue, "seed": String(seed), "threads": String(threads)]
    }

    /// Trains on `interactions`; `afterIteration(iteration, model)` is called after each full iteration
    /// (1-based), for learning curves and loss tracking.
    public func fit(_ interactions: InteractionMatrix,
                    afterIteration: (Int, WRMFModel) -> Void = { _, _ in }) -> WRMFModel {
        let confidence = scaling.scaled(interactions).mapValues { alpha * $0 }
        let model = WRMFModel(users: interactions.userCount, items: interactions.itemCount, factors: factors)
        model.userFactors.randomise(seed: seed, stream: 1, scale: 0.01)
        model.itemFactors.randomise(seed: seed, stream: 2, scale: 0.01)
        for iteration in 1...max(1, iterations) {
            solveRows(model.userFactors, fixed: model.itemFactors, offsets: confidence.userOffsets,
                      indices: confidence.userItems, extraConfidence: confidence.userValues)
            solveRows(model.itemFactors, fixed: model.userFactors, offsets: confidence.itemOffsets,
                      indices: confidence.itemUsers, extraConfidence: confidence.itemValues)
            afterIteration(iteration, model)
        }
        return model
    }

    /// `fixedᵀ fixed + λI`, summed in a fixed number of chunks and a fixed order so the result does not depend on
    /// the thread count.
    func gramian(_ fixed: FactorMatrix) -> [Float] {
        let n = fixed.stride
        let chunks = 16
        let partials = FactorMatrix(rows: chunks, columns: n * n)
        Parallel.forEachChunk(of: chunks, chunk: 1, workers: threads) { range, _ in
            for chunk in range {
                let target = partials.row(chunk)
                let start = chunk * fixed.rows / chunks, end = (chunk + 1) * fixed.rows / chunks
                for row in start..<end {
                    let y = fixed.row(row)
                    for j in 0..<fixed.columns where y[j] != 0 {
                        VectorKernels.axpy(y[j], y, target + j * n, n)
                    }
                }
            }
        }
        var gram = [Float](repeating: 0, count: n * n)
        for chunk in 0..<chunks {
            let partial = partials.row(chunk)
            for index in 0..<(n * n) { gram[index] += partial[index] }
        }
        for index in 0..<n { gram[index * n + index] += regularization }
        return gram
    }

    func solveRows(_ target: FactorMatrix, fixed: FactorMatrix, offsets: [Int], indices: [Int32],
                   extraConfidence: [Float]) {
        let gram = gramian(fixed)
        let n = fixed.stride
        let steps = conjugateGradientSteps
        let solver = self.solver
        let scratch = FactorMatrix(rows: max(1, threads) * 3, columns: n)
        gram.withUnsafeBufferPointer { gramBuffer in
            offsets.withUnsafeBufferPointer { offsets in
                indices.withUnsafeBufferPointer { indices in
                    extraConfidence.withUnsafeBufferPointer { confidence in
                        nonisolated(unsafe) let g = gramBuffer.baseAddress!
                        nonisolated(unsafe) let offsets = offsets
                        nonisolated(unsafe) let indices = indices
                        nonisolated(unsafe) let confidence = confidence
                        Parallel.forEachChunk(of: target.rows, chunk: 128, workers: threads) { rows, worker in
                            let r = scratch.row(worker * 3), p = scratch.row(worker * 3 + 1), ap = scratch.row(worker * 3 + 2)
                            for row in rows {
                                let range = offsets[row]..<offsets[row + 1]
                                if solver == .cholesky {
                                    Self.solveExactly(target.row(row), fixed: fixed, gram: g, n: n, range: range,
                                                      indices: indices, confidence: confidence)
                                } else {
                                    Self.conjugateGradient(target.row(row), fixed: fixed, gram: g, n: n, range: range,
                                                           indices: indices, confidence: confidence, steps: steps,
                                                           r: r, p: p, ap: ap)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `out = A v` with `A = gram + Σ c_i y_i y_iᵀ` over the row's interactions.
    @inline(__always)
    static func applySystem(_ v: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, fixed: FactorMatrix,
                            gram: UnsafePointer<Float>, n: Int, range: Range<Int>,
                            indices: UnsafeBufferPointer<Int32>, confidence: UnsafeBufferPointer<Float>) {
        VectorKernels.symmetricMultiply(gram, v, out, n)
        for index in range {
            let y = fixed.row(Int(indices[index]))
            let weight = confidence[index] * VectorKernels.dot(y, v, n)
            VectorKernels.axpy(weight, y, out, n)
        }
    }

    @inline(__always)
    static func conjugateGradient(_ x: UnsafeMutablePointer<Float>, fixed: FactorMatrix, gram: UnsafePointer<Float>,
                                  n: Int, range: Range<Int>, indices: UnsafeBufferPointer<Int32>,
                                  confidence: UnsafeBufferPointer<Float>, steps: Int,
                                  r: UnsafeMutablePointer<Float>, p: UnsafeMutablePointer<Float>,
                                  ap: UnsafeMutablePointer<Float>) {
        // r = b - A x, with b = Σ (1 + c_i) y_i.
        applySystem(x, ap, fixed: fixed, gram: gram, n: n, range: range, indices: indices, confidence: confidence)
        for k in 0..<n { r[k] = -ap[k] }
        for index in range {
            VectorKernels.axpy(1 + confidence[index], fixed.row(Int(indices[index])), r, n)
        }
        for k in 0..<n { p[k] = r[k] }
        var residual = VectorKernels.dot(r, r, n)
        if residual < 1e-20 { return }
        for _ in 0..<steps {
            applySystem(p, ap, fixed: fixed, gram: gram, n: n, range: range, indices: indices, confidence: confidence)
            let curvature = VectorKernels.dot(p, ap, n)
            guard curvature > 0 else { return }
            let step = residual / curvature
            VectorKernels.axpy(step, p, x, n)
            VectorKernels.axpy(-step, ap, r, n)
            let next = VectorKernels.dot(r, r, n)
            if next < 1e-20 { return }
            VectorKernels.xpby(r, next / residual, p, n)
            residual = next
        }
    }

    static func solveExactly(_ x: UnsafeMutablePointer<Float>, fixed: FactorMatrix, gram: UnsafePointer<Float>,
                             n: Int, range: Range<Int>, indices: UnsafeBufferPointer<Int32>,
                             confidence: UnsafeBufferPointer<Float>) {
        let f = fixed.columns
        var a = [Double](repeating: 0, count: f * f)
        var b = [Double](repeating: 0, count: f)
        for i in 0..<f { for j in 0..<f { a[i * f + j] = Double(gram[i * n + j]) } }
        for index in range {
            let y = fixed.row(Int(indices[index]))
            let c = Double(confidence[index])
            for i in 0..<f {
                b[i] += (1 + c) * Double(y[i])
                for j in 0..<f { a[i * f + j] += c * Double(y[i]) * Double(y[j]) }
            }
        }
        guard let solution = Cholesky.solve(a, b, n: f) else { return }
        for i in 0..<f { x[i] = Float(solution[i]) }
    }
}

/// Trained WRMF factors: one row per user and per item.
public final class WRMFModel: @unchecked Sendable {
    public let userFactors: FactorMatrix
    public let itemFactors: FactorMatrix

    /// Zero factors, to be filled (by training here, or read from another engine's output).
    public init(users: Int, items: Int, factors: Int) {
        userFactors = FactorMatrix(rows: users, columns: factors)
        itemFactors = FactorMatrix(rows: items, columns: factors)
    }

    /// Predicted preference of every item for `user`.
    public func scores(user: Int, into output: UnsafeMutableBufferPointer<Float>) {
        let x = userFactors.row(user), n = userFactors.stride
        for item in 0..<itemFactors.rows { output[item] = VectorKernels.dot(itemFactors.row(item), x, n) }
    }

    /// The training objective `Σ c_ui (p_ui − x_u·y_i)² + λ(‖X‖² + ‖Y‖²)` over all user–item pairs, computed without
    /// visiting the zeros: `Σ_u x_uᵀ(YᵀY)x_u + Σ_observed [c(1 − s)² − s²]`.
    public func loss(_ interactions: InteractionMatrix, configuration: WRMF) -> Double {
        let confidence = configuration.scaling.scaled(interactions).mapValues { 1 + configuration.alpha * $0 }
        let n = itemFactors.stride
        var unregularised = configuration
        unregularised.regularization = 0
        let gram = unregularised.gramian(itemFactors)
        var total = 0.0
        var buffer = [Float](repeating: 0, count: n)
        for user in 0..<userFactors.rows {
            let x = userFactors.row(user)
            gram.withUnsafeBufferPointer { g in
                buffer.withUnsafeMutableBufferPointer { out in
                    VectorKernels.symmetricMultiply(g.baseAddress!, x, out.baseAddress!, n)
                    total += Double(VectorKernels.dot(x, out.baseAddress!, n))
                }
            }
            for index in confidence.userOffsets[user]..<confidence.userOffsets[user + 1] {
                let s = Double(VectorKernels.dot(x, itemFactors.row(Int(confidence.userItems[index])), n))
                let c = Double(confidence.userValues[index])
                total += c * (1 - s) * (1 - s) - s * s
            }
        }
        var norms = 0.0
        for row in 0..<userFactors.rows { norms += Double(VectorKernels.dot(userFactors.row(row), userFactors.row(row), n)) }
        for row in 0..<itemFactors.rows { norms += Double(VectorKernels.dot(itemFactors.row(row), itemFactors.row(row), n)) }
        return total + Double(configuration.regularization) * norms
    }

    /// Factors for a user not seen in training, from the items they liked (exact least squares).
    public func foldIn(likedItems: [Int], configuration: WRMF) -> [Float] {
        let f = itemFactors.columns, n = itemFactors.stride
        // YᵀY + λI, as the item step of training builds it.
        let gram = configuration.gramian(itemFactors)
        var a = [Double](repeating: 0, count: f * f)
        var b = [Double](repeating: 0, count: f)
        for i in 0..<f { for j in 0..<f { a[i * f + j] = Double(gram[i * n + j]) } }
        let c = Double(configuration.alpha)
        for item in Set(likedItems) {
            let y = itemFactors.row(item)
            for i in 0..<f {
                b[i] += (1 + c) * Double(y[i])
                for j in 0..<f { a[i * f + j] += c * Double(y[i]) * Double(y[j]) }
            }
        }
        return (Cholesky.solve(a, b, n: f) ?? [Double](repeating: 0, count: f)).map(Float.init)
    }
}
