import Dispatch
import Foundation
import ParallelWork

/// Weighted regularised matrix factorisation for implicit feedback (Hu, Koren & Volinsky 2008), trained by
/// alternating least squares, in the form "iALS revisited" gives it (Rendle, Krichene, Zhang & Koren, RecSys 2022):
///
///     Σ_observed (α0 + α·r)(1 − x_u·y_i)² + α0 Σ_unobserved (x_u·y_i)² + Σ_u λ_u‖x_u‖² + Σ_i λ_i‖y_i‖²
///     λ_u = λ · (|I_u| + α0·|I|)^ν
///
/// Every unobserved pair weighs α0; regularisation grows with a row's count when ν > 0 (ν = 1 is Rendle's choice,
/// close to Spark's ALS-WR, which scales by |I_u|); factors start as N(0, σ²/d). With α0 = 1, ν = 0 and
/// `.uniform` initialisation this is the classic model (`c = 1 + α·r`, one λ), which stays reachable by flags.
/// Each row's least-squares problem is solved approximately by a few conjugate-gradient steps warm-started from the
/// previous iterate (Takács, Pilászy & Tikk 2011), or exactly by Cholesky.
public struct WRMF: Sendable {
    public enum Solver: String, Sendable { case conjugateGradient = "cg", cholesky }

    /// How factors start.
    public enum Initialisation: String, Sendable, CaseIterable {
        /// N(0, σ²/d), σ = `initialDeviation` (iALS revisited).
        case normal
        /// uniform(0, 0.01), the classic start.
        case uniform
    }

    public var factors: Int
    public var regularization: Float
    /// Confidence of an observed interaction is `unobservedWeight + alpha * scaled(r)`.
    public var alpha: Float
    public var iterations: Int
    public var conjugateGradientSteps: Int
    public var scaling: ConfidenceScaling
    public var solver: Solver
    public var seed: UInt64
    public var threads: Int
    /// α0, the weight of every unobserved pair (1 in the classic model).
    public var unobservedWeight: Float
    /// ν, the exponent of the frequency-scaled regularisation (0: one λ for every row).
    public var regularizationExponent: Float
    public var initialisation: Initialisation
    /// σ of the `.normal` initialisation (divided by √factors).
    public var initialDeviation: Float

    public init(factors: Int = 64, regularization: Float = 0.1, alpha: Float = 50, iterations: Int = 15,
                conjugateGradientSteps: Int = 3, scaling: ConfidenceScaling = .linear, solver: Solver = .conjugateGradient,
                seed: UInt64 = 42, threads: Int = 2, unobservedWeight: Float = 1, regularizationExponent: Float = 0,
                initialisation: Initialisation = .uniform, initialDeviation: Float = 0.1) {
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.conjugateGradientSteps = conjugateGradientSteps
        self.scaling = scaling
        self.solver = solver
        self.seed = seed
        self.threads = max(1, threads)
        self.unobservedWeight = unobservedWeight
        self.regularizationExponent = regularizationExponent
        self.initialisation = initialisation
        self.initialDeviation = initialDeviation
    }

    public var parameters: [String: String] {
        ["factors": String(factors), "regularization": String(regularization), "alpha": String(alpha),
         "iterations": String(iterations), "cg_steps": String(conjugateGradientSteps), "scaling": scaling.rawValue,
         "solver": solver.rawValue, "seed": String(seed), "threads": String(threads),
         "unobserved_weight": String(unobservedWeight), "regularization_exponent": String(regularizationExponent),
         "initialisation": initialisation == .normal ? "normal(\(initialDeviation)/√d)" : "uniform(0, 0.01)"]
    }

    /// λ for a row with `count` interactions when the other side has `otherSide` rows.
    @inline(__always)
    public func rowRegularization(count: Int, otherSide: Int) -> Float {
        guard regularizationExponent != 0 else { return regularization }
        let base = Double(count) + Double(unobservedWeight) * Double(otherSide)
        return regularization * Float(pow(base, Double(regularizationExponent)))
    }

    /// Trains on `interactions`; `afterIteration(iteration, model)` is called after each full iteration
    /// (1-based), for learning curves and loss tracking.
    /// `startingFrom`: a model of the same shape whose factors to start from instead of random ones (a warm start,
    /// as a settings search does from a neighbouring setting). `shouldContinue(iteration, model)` may end training
    /// early (a setting far behind in a search).
    public func fit(_ interactions: InteractionMatrix, startingFrom: WRMFModel? = nil,
                    afterIteration: (Int, WRMFModel) -> Void = { _, _ in },
                    shouldContinue: (Int, WRMFModel) -> Bool = { _, _ in true }) -> WRMFModel {
        let confidence = scaling.scaled(interactions).mapValues { alpha * $0 }
        let model = WRMFModel(users: interactions.userCount, items: interactions.itemCount, factors: factors)
        if let start = startingFrom, start.userFactors.rows == interactions.userCount,
           start.itemFactors.rows == interactions.itemCount, start.userFactors.columns == factors {
            _ = model.userFactors.storage.update(fromContentsOf: start.userFactors.storage)
            _ = model.itemFactors.storage.update(fromContentsOf: start.itemFactors.storage)
        } else {
            initialise(model)
        }
        for iteration in 1...max(1, iterations) {
            solveRows(model.userFactors, fixed: model.itemFactors, offsets: confidence.userOffsets,
                      indices: confidence.userItems, extraConfidence: confidence.userValues)
            solveRows(model.itemFactors, fixed: model.userFactors, offsets: confidence.itemOffsets,
                      indices: confidence.itemUsers, extraConfidence: confidence.itemValues)
            afterIteration(iteration, model)
            if iteration < iterations, !shouldContinue(iteration, model) { break }
        }
        return model
    }

    private func initialise(_ model: WRMFModel) {
        switch initialisation {
        case .uniform:
            model.userFactors.randomise(seed: seed, stream: 1, scale: 0.01)
            model.itemFactors.randomise(seed: seed, stream: 2, scale: 0.01)
        case .normal:
            let deviation = initialDeviation / Float(factors).squareRoot()
            model.userFactors.randomiseNormal(seed: seed, stream: 1, deviation: deviation)
            model.itemFactors.randomiseNormal(seed: seed, stream: 2, deviation: deviation)
        }
    }

    /// `α0 · fixedᵀ fixed` (the regularisation is added per row), summed in a fixed number of chunks and a fixed order so the result does not depend on
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
        if unobservedWeight != 1 { for index in 0..<(n * n) { gram[index] *= unobservedWeight } }
        return gram
    }

    func solveRows(_ target: FactorMatrix, fixed: FactorMatrix, offsets: [Int], indices: [Int32],
                   extraConfidence: [Float]) {
        let gram = gramian(fixed)
        let n = fixed.stride
        let steps = conjugateGradientSteps
        let solver = self.solver
        let configuration = self
        let otherSide = fixed.rows
        let base = unobservedWeight
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
                                let lambda = configuration.rowRegularization(count: range.count, otherSide: otherSide)
                                if solver == .cholesky {
                                    Self.solveExactly(target.row(row), fixed: fixed, gram: g, n: n, range: range,
                                                      indices: indices, confidence: confidence, lambda: lambda, base: base)
                                } else {
                                    Self.conjugateGradient(target.row(row), fixed: fixed, gram: g, n: n, range: range,
                                                           indices: indices, confidence: confidence, steps: steps,
                                                           lambda: lambda, base: base, r: r, p: p, ap: ap)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `out = A v` with `A = gram + λI + Σ c_i y_i y_iᵀ` over the row's interactions.
    @inline(__always)
    static func applySystem(_ v: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, fixed: FactorMatrix,
                            gram: UnsafePointer<Float>, n: Int, range: Range<Int>,
                            indices: UnsafeBufferPointer<Int32>, confidence: UnsafeBufferPointer<Float>, lambda: Float) {
        VectorKernels.symmetricMultiply(gram, v, out, n)
        VectorKernels.axpy(lambda, v, out, n)
        for index in range {
            let y = fixed.row(Int(indices[index]))
            let weight = confidence[index] * VectorKernels.dot(y, v, n)
            VectorKernels.axpy(weight, y, out, n)
        }
    }

    @inline(__always)
    static func conjugateGradient(_ x: UnsafeMutablePointer<Float>, fixed: FactorMatrix, gram: UnsafePointer<Float>,
                                  n: Int, range: Range<Int>, indices: UnsafeBufferPointer<Int32>,
                                  confidence: UnsafeBufferPointer<Float>, steps: Int, lambda: Float, base: Float,
                                  r: UnsafeMutablePointer<Float>, p: UnsafeMutablePointer<Float>,
                                  ap: UnsafeMutablePointer<Float>) {
        // r = b - A x, with b = Σ (α0 + c_i) y_i.
        applySystem(x, ap, fixed: fixed, gram: gram, n: n, range: range, indices: indices, confidence: confidence, lambda: lambda)
        for k in 0..<n { r[k] = -ap[k] }
        for index in range {
            VectorKernels.axpy(base + confidence[index], fixed.row(Int(indices[index])), r, n)
        }
        for k in 0..<n { p[k] = r[k] }
        var residual = VectorKernels.dot(r, r, n)
        if residual < 1e-20 { return }
        for _ in 0..<steps {
            applySystem(p, ap, fixed: fixed, gram: gram, n: n, range: range, indices: indices, confidence: confidence, lambda: lambda)
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
                             confidence: UnsafeBufferPointer<Float>, lambda: Float, base: Float) {
        let f = fixed.columns
        var a = [Double](repeating: 0, count: f * f)
        var b = [Double](repeating: 0, count: f)
        for i in 0..<f { for j in 0..<f { a[i * f + j] = Double(gram[i * n + j]) } }
        for i in 0..<f { a[i * f + i] += Double(lambda) }
        for index in range {
            let y = fixed.row(Int(indices[index]))
            let c = Double(confidence[index])
            for i in 0..<f {
                b[i] += (Double(base) + c) * Double(y[i])
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
        let base = configuration.unobservedWeight
        let confidence = configuration.scaling.scaled(interactions).mapValues { base + configuration.alpha * $0 }
        let n = itemFactors.stride
        let gram = configuration.gramian(itemFactors)
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
                total += c * (1 - s) * (1 - s) - Double(base) * s * s
            }
        }
        var norms = 0.0
        for row in 0..<userFactors.rows {
            let lambda = configuration.rowRegularization(count: interactions.userDegree(row), otherSide: itemFactors.rows)
            norms += Double(lambda) * Double(VectorKernels.dot(userFactors.row(row), userFactors.row(row), n))
        }
        for row in 0..<itemFactors.rows {
            let lambda = configuration.rowRegularization(count: interactions.itemDegree(row), otherSide: userFactors.rows)
            norms += Double(lambda) * Double(VectorKernels.dot(itemFactors.row(row), itemFactors.row(row), n))
        }
        return total + norms
    }

    /// Factors for a user not seen in training, from the items they liked (exact least squares).
    public func foldIn(likedItems: [Int], configuration: WRMF) -> [Float] {
        let f = itemFactors.columns, n = itemFactors.stride
        // α0·YᵀY + λ_u I, as the user step of training builds it.
        let gram = configuration.gramian(itemFactors)
        let liked = Set(likedItems)
        let lambda = Double(configuration.rowRegularization(count: liked.count, otherSide: itemFactors.rows))
        var a = [Double](repeating: 0, count: f * f)
        var b = [Double](repeating: 0, count: f)
        for i in 0..<f { for j in 0..<f { a[i * f + j] = Double(gram[i * n + j]) } }
        for i in 0..<f { a[i * f + i] += lambda }
        let c = Double(configuration.alpha), base = Double(configuration.unobservedWeight)
        for item in liked {
            let y = itemFactors.row(item)
            for i in 0..<f {
                b[i] += (base + c) * Double(y[i])
                for j in 0..<f { a[i * f + j] += c * Double(y[i]) * Double(y[j]) }
            }
        }
        return (Cholesky.solve(a, b, n: f) ?? [Double](repeating: 0, count: f)).map(Float.init)
    }
}
