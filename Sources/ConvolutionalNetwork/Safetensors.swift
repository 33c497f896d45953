import Foundation

/// A float32 tensor as stored: its shape and its values in row-major order.
public struct StoredTensor: Sendable, Equatable {
    public var shape: [Int]
    public var values: [Float]

    public init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not match \(values.count) values")
        self.shape = shape
        self.values = values
    }
}

public struct NetworkWeightsError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Reads the safetensors format (an 8-byte little-endian header length, a JSON header naming each tensor's dtype,
/// shape and byte range, then the raw little-endian data). Only F32 tensors are accepted: the converter writes
/// nothing else.
public enum SafetensorsFile {
    public static func read(_ url: URL) throws -> [String: StoredTensor] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw NetworkWeightsError("\(url.path): cannot read the weights file (\(error.localizedDescription))")
        }
        return try parse([UInt8](data), name: url.path)
    }

    public static func parse(_ bytes: [UInt8], name: String) throws -> [String: StoredTensor] {
        guard bytes.count >= 8 else { throw NetworkWeightsError("\(name): too short for a safetensors file") }
        var headerLength = 0
        for index in 0..<8 { headerLength |= Int(bytes[index]) << (8 * index) }
        guard headerLength > 0, 8 + headerLength <= bytes.count else {
            throw NetworkWeightsError("\(name): header length \(headerLength) runs past the end of the file")
        }
        let header: [String: Any]
        do {
            guard let object = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerLength)])) as? [String: Any] else {
                throw NetworkWeightsError("\(name): the header is not a JSON object")
            }
            header = object
        } catch let error as NetworkWeightsError { throw error } catch {
            throw NetworkWeightsError("\(name): the header is not valid JSON")
        }
        let dataStart = 8 + headerLength
        var tensors: [String: StoredTensor] = [:]
        for (tensorName, entry) in header where tensorName != "__metadata__" {
            guard let fields = entry as? [String: Any], let dtype = fields["dtype"] as? String,
                  let shape = fields["shape"] as? [Int], let offsets = fields["data_offsets"] as? [Int], offsets.count == 2 else {
                throw NetworkWeightsError("\(name): tensor \(tensorName): missing dtype, shape or data_offsets")
            }
            guard dtype == "F32" else { throw NetworkWeightsError("\(name): tensor \(tensorName): dtype \(dtype), expected F32") }
            let count = shape.reduce(1, *)
            let begin = dataStart + offsets[0], end = dataStart + offsets[1]
            guard offsets[0] >= 0, end - begin == count * 4, end <= bytes.count else {
                throw NetworkWeightsError("\(name): tensor \(tensorName): byte range \(offsets) does not fit shape \(shape) or the file")
            }
            var values = [Float](repeating: 0, count: count)
            values.withUnsafeMutableBytes { target in
                bytes.withUnsafeBytes { source in
                    target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[begin..<end]))
                }
            }
            #if _endian(big)
            values = values.map { Float(bitPattern: $0.bitPattern.byteSwapped) }
            #endif
            tensors[tensorName] = StoredTensor(shape: shape, values: values)
        }
        return tensors
    }

    /// Writes tensors in the same format (tests use it to build small networks).
    public static func encode(_ tensors: [String: StoredTensor]) -> [UInt8] {
        var header: [String: Any] = [:]
        var blob: [UInt8] = []
        for name in tensors.keys.sorted() {
            let tensor = tensors[name]!
            let begin = blob.count
            tensor.values.withUnsafeBytes { blob.append(contentsOf: $0) }
            header[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [begin, blob.count]] as [String: Any]
        }
        var json = [UInt8]((try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) ?? Data())
        while json.count % 8 != 0 { json.append(0x20) }
        var bytes = (0..<8).map { UInt8((json.count >> (8 * $0)) & 0xFF) }
        bytes += json
        bytes += blob
        return bytes
    }
}
