import NIOCore

/// Many HTML or JSON fragments in one contiguous byte array with their offsets: one allocation instead of one per
/// fragment, and a request copies a fragment with one `memcpy` and no reference counting.
struct FragmentTable: Sendable {
    let bytes: [UInt8]
    let offsets: [Int]

    /// Builds a table fragment by fragment, with no array per fragment in between.
    struct Builder {
        var bytes: [UInt8] = []
        var offsets: [Int] = [0]

        mutating func append(_ fragment: some Sequence<UInt8>) {
            bytes.append(contentsOf: fragment)
            offsets.append(bytes.count)
        }

        /// Appends every fragment of `other`, in order.
        mutating func append(contentsOf other: Builder) {
            let base = bytes.count
            bytes.append(contentsOf: other.bytes)
            offsets.append(contentsOf: other.offsets.dropFirst().map { $0 + base })
        }

        func build() -> FragmentTable { FragmentTable(bytes: bytes, offsets: offsets) }
    }

    private init(bytes: [UInt8], offsets: [Int]) {
        self.bytes = bytes
        self.offsets = offsets
    }

    var count: Int { offsets.count - 1 }

    subscript(index: Int) -> ArraySlice<UInt8> { bytes[offsets[index]..<offsets[index + 1]] }

    /// Writes the fragments at `indices`, in order.
    func write<Indices: Sequence>(_ indices: Indices, into buffer: inout ByteBuffer) where Indices.Element == Int32 {
        bytes.withUnsafeBytes { all in
            offsets.withUnsafeBufferPointer { offsets in
                for index in indices {
                    let position = Int(index)
                    buffer.writeBytes(UnsafeRawBufferPointer(rebasing: all[offsets[position]..<offsets[position + 1]]))
                }
            }
        }
    }

    func write(_ index: Int32, into buffer: inout ByteBuffer) { write(CollectionOfOne(index), into: &buffer) }
}
