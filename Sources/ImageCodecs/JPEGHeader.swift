/// Reads a JPEG's dimensions from its frame header without decoding it, so damaged files can be spotted cheaply.
public enum JPEGHeader {
    public static func dimensions(of bytes: [UInt8]) throws -> (width: Int, height: Int) {
        guard bytes.count > 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else {
            throw ImageCodecError("not a JPEG file (no start-of-image marker)")
        }
        var position = 2
        while position + 4 <= bytes.count {
            guard bytes[position] == 0xFF else { throw ImageCodecError("JPEG marker expected at byte \(position)") }
            let marker = bytes[position + 1]
            if marker == 0xFF { position += 1; continue }
            let length = Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
            // Start-of-frame markers: C0–CF except DHT (C4), JPG (C8) and DAC (CC).
            if (0xC0...0xCF).contains(marker), marker != 0xC4, marker != 0xC8, marker != 0xCC {
                guard position + 9 <= bytes.count else { break }
                let height = Int(bytes[position + 5]) << 8 | Int(bytes[position + 6])
                let width = Int(bytes[position + 7]) << 8 | Int(bytes[position + 8])
                return (width, height)
            }
            guard length >= 2 else { throw ImageCodecError("JPEG segment with a bad length at byte \(position)") }
            position += 2 + length
        }
        throw ImageCodecError("JPEG file ends before its frame header")
    }
}
