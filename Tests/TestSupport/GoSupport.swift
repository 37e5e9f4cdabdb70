import Foundation
import ELFKit

// Helpers for the Go-binary tests: `go version -m -json` as data, a tiny ELF writer for
// synthetic (and hostile) inputs, and a seeded RNG.

/// `go version -m -json FILE` (runtime/debug.BuildInfo as JSON).
public struct GoVersionJSON: Decodable, Sendable {
    public struct Module: Decodable, Sendable {
        public var Path: String
        public var Version: String?
        public var Sum: String?
        public var Replace: Box?
    }
    /// `Replace` is recursive; JSON decoding needs a reference.
    public final class Box: Decodable, @unchecked Sendable {
        public let module: Module
        public init(from decoder: Decoder) throws { module = try Module(from: decoder) }
    }
    public struct Setting: Decodable, Sendable {
        public var Key: String
        public var Value: String?
    }
    public var GoVersion: String
    public var Path: String?
    public var Main: Module?
    public var Deps: [Module]?
    public var Settings: [Setting]?

    /// Runs `go version -m -json` with the current Go; nil when it cannot read the file.
    public static func read(_ path: String) -> GoVersionJSON? {
        guard let go = currentGo ?? (FileManager.default.isExecutableFile(atPath: "/tmp/gv/bin/go") ? "/tmp/gv/bin/go" : nil) else { return nil }
        var env = ProcessInfo.processInfo.environment
        env["GOTOOLCHAIN"] = "local"
        env["GOFLAGS"] = ""
        guard let r = try? run(go, ["version", "-m", "-json", path], environment: env), r.status == 0 else { return nil }
        return try? JSONDecoder().decode(GoVersionJSON.self, from: Data(r.stdout.utf8))
    }
}

/// SplitMix64: a small seeded generator, so fuzz runs repeat exactly.
public struct SeededRNG: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// Writes small ELF files: PT_LOAD segments with contents, and named sections that point into
/// them. Little- or big-endian, ELF32 or ELF64.
public struct SyntheticELF {
    public struct Segment {
        public var flags: UInt32   // PF_X 1, PF_W 2, PF_R 4
        public var vaddr: UInt64
        public var bytes: [UInt8]
        /// Extra p_filesz beyond the bytes present (to describe a segment cut short by EOF).
        public var claimExtra: UInt64 = 0
    }
    public struct Section {
        public var name: String
        public var segment: Int
        public var offset: Int      // inside the segment's bytes
        public var size: Int
        public var flags: UInt64
    }

    public var bits: Int
    public var order: ByteOrder
    public var machine: UInt16
    public var segments: [Segment] = []
    public var sections: [Section] = []
    /// Leave the section header table out (e_shoff = 0).
    public var omitSections = false

    public init(bits: Int = 64, order: ByteOrder = .little, machine: UInt16 = 62) {
        self.bits = bits
        self.order = order
        self.machine = machine
    }

    @discardableResult
    public mutating func addSegment(flags: UInt32, vaddr: UInt64, bytes: [UInt8], claimExtra: UInt64 = 0) -> Int {
        segments.append(Segment(flags: flags, vaddr: vaddr, bytes: bytes, claimExtra: claimExtra))
        return segments.count - 1
    }

    public mutating func addSection(_ name: String, segment: Int, offset: Int = 0, size: Int? = nil, flags: UInt64 = 2) {
        sections.append(Section(name: name, segment: segment, offset: offset, size: size ?? segments[segment].bytes.count - offset, flags: flags))
    }

    /// The file offset at which each segment's bytes start (valid after `build`).
    public func segmentOffsets() -> [Int] { layout().segmentOffsets }

    func layout() -> (phoff: Int, segmentOffsets: [Int], shstrOffset: Int, shstr: [UInt8], nameOffsets: [Int], shoff: Int) {
        let ehsize = bits == 64 ? 64 : 52
        let phentsize = bits == 64 ? 56 : 32
        var off = ehsize + phentsize * segments.count
        var segOffs: [Int] = []
        for s in segments {
            off = (off + 15) / 16 * 16
            segOffs.append(off)
            off += s.bytes.count
        }
        var shstr: [UInt8] = [0]
        var nameOffs: [Int] = []
        for s in sections {
            nameOffs.append(shstr.count)
            shstr += Array(s.name.utf8) + [0]
        }
        let shstrName = shstr.count
        shstr += Array(".shstrtab".utf8) + [0]
        nameOffs.append(shstrName)
        let shstrOff = off
        off += shstr.count
        off = (off + 7) / 8 * 8
        return (ehsize, segOffs, shstrOff, shstr, nameOffs, off)
    }

    public func build() -> [UInt8] {
        let l = layout()
        var out = [UInt8](repeating: 0, count: l.shoff)
        func put(_ v: UInt64, _ size: Int, at: Int) {
            for k in 0..<size {
                let shift = order == .little ? 8 * k : 8 * (size - 1 - k)
                out[at + k] = UInt8(truncatingIfNeeded: v >> UInt64(shift))
            }
        }
        let w = bits == 64 ? 8 : 4
        let shentsize = bits == 64 ? 64 : 40
        let nsect = omitSections ? 0 : sections.count + 2   // null + sections + .shstrtab
        out.replaceSubrange(0..<4, with: [0x7f, 0x45, 0x4c, 0x46])
        out[4] = bits == 64 ? 2 : 1
        out[5] = order == .little ? 1 : 2
        out[6] = 1
        put(2, 2, at: 16)                       // e_type EXEC
        put(UInt64(machine), 2, at: 18)
        put(1, 4, at: 20)
        put(segments.first?.vaddr ?? 0, w, at: 24)           // e_entry
        put(UInt64(l.phoff), w, at: 24 + w)                  // e_phoff
        put(omitSections ? 0 : UInt64(l.shoff), w, at: 24 + 2 * w)
        let after = 24 + 3 * w + 4
        put(UInt64(l.phoff), 2, at: after)                   // e_ehsize
        put(UInt64(bits == 64 ? 56 : 32), 2, at: after + 2)  // e_phentsize
        put(UInt64(segments.count), 2, at: after + 4)
        put(omitSections ? 0 : UInt64(shentsize), 2, at: after + 6)
        put(UInt64(nsect), 2, at: after + 8)
        put(omitSections ? 0 : UInt64(sections.count + 1), 2, at: after + 10)
        for (i, s) in segments.enumerated() {
            let at = l.phoff + i * (bits == 64 ? 56 : 32)
            let off = UInt64(l.segmentOffsets[i])
            let filesz = UInt64(s.bytes.count) + s.claimExtra
            if bits == 64 {
                put(1, 4, at: at); put(UInt64(s.flags), 4, at: at + 4)
                put(off, 8, at: at + 8); put(s.vaddr, 8, at: at + 16); put(s.vaddr, 8, at: at + 24)
                put(filesz, 8, at: at + 32); put(filesz, 8, at: at + 40); put(0x1000, 8, at: at + 48)
            } else {
                put(1, 4, at: at); put(off, 4, at: at + 4); put(s.vaddr, 4, at: at + 8); put(s.vaddr, 4, at: at + 12)
                put(filesz, 4, at: at + 16); put(filesz, 4, at: at + 20); put(UInt64(s.flags), 4, at: at + 24); put(0x1000, 4, at: at + 28)
            }
            out.replaceSubrange(l.segmentOffsets[i]..<(l.segmentOffsets[i] + s.bytes.count), with: s.bytes)
        }
        out.replaceSubrange(l.shstrOffset..<(l.shstrOffset + l.shstr.count), with: l.shstr)
        if omitSections { return out }
        out += [UInt8](repeating: 0, count: nsect * shentsize)
        func section(_ index: Int, name: Int, type: UInt32, flags: UInt64, addr: UInt64, offset: UInt64, size: UInt64) {
            let at = l.shoff + index * shentsize
            put(UInt64(name), 4, at: at); put(UInt64(type), 4, at: at + 4)
            put(flags, w, at: at + 8); put(addr, w, at: at + 8 + w); put(offset, w, at: at + 8 + 2 * w); put(size, w, at: at + 8 + 3 * w)
            put(16, w, at: at + 16 + 4 * w)   // sh_addralign
        }
        for (i, s) in sections.enumerated() {
            let seg = segments[s.segment]
            section(i + 1, name: l.nameOffsets[i], type: 1, flags: s.flags, addr: seg.vaddr + UInt64(s.offset),
                    offset: UInt64(l.segmentOffsets[s.segment] + s.offset), size: UInt64(s.size))
        }
        section(sections.count + 1, name: l.nameOffsets[sections.count], type: 3, flags: 0, addr: 0,
                offset: UInt64(l.shstrOffset), size: UInt64(l.shstr.count))
        return out
    }
}

/// Little helpers to assemble byte arrays.
public enum Bytes {
    public static func word(_ v: UInt64, _ size: Int, _ order: ByteOrder) -> [UInt8] {
        (0..<size).map { k in
            let shift = order == .little ? 8 * k : 8 * (size - 1 - k)
            return UInt8(truncatingIfNeeded: v >> UInt64(shift))
        }
    }
    public static func uvarint(_ v: UInt64) -> [UInt8] {
        var x = v
        var out: [UInt8] = []
        while x >= 0x80 { out.append(UInt8(x & 0x7f) | 0x80); x >>= 7 }
        out.append(UInt8(x))
        return out
    }
    public static func pad(_ b: [UInt8], to n: Int) -> [UInt8] { b.count >= n ? b : b + [UInt8](repeating: 0, count: n - b.count) }
}
